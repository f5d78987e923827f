"""Case work: services for cases, matters, lifecycle steps and filing, with the rules they enforce."""
