"""The pages' templates and static files (HTML, JS, CSS) that ``hallctl.web.pages`` serves."""
