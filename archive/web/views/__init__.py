"""The pages, one blueprint per group; the application registers them all."""

from archive.web.views.admin import admin
from archive.web.views.auth import auth
from archive.web.views.cases import cases
from archive.web.views.dashboard import dashboard
from archive.web.views.dossier import dossier
from archive.web.views.files import files
from archive.web.views.forms import forms
from archive.web.views.portal import portal
from archive.web.views.scans import scans
from archive.web.views.search import search

ALL_BLUEPRINTS = (auth, dashboard, cases, files, forms, scans, search, dossier, portal, admin)
