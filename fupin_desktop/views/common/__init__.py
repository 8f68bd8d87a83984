"""What the feature views share: the application context, background tasks, list models and
table widgets, field forms, record dialogs, print preview, the PagedTab frame."""
