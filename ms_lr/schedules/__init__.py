"""The schedules, one family per module; each class is declared once (see :mod:`ms_lr.core.schedule`)."""
