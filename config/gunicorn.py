"""gunicorn settings for production: `gunicorn -c config/gunicorn.py config.wsgi`.

The access and error logs go through the same identity-number filter as Django's logs, so a
number typed into a URL by hand never reaches a log file.
"""

import os

bind = os.environ.get("FORLOP_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("FORLOP_WORKERS", "4"))
timeout = int(os.environ.get("FORLOP_WORKER_TIMEOUT", "60"))
accesslog = "-"
errorlog = "-"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"identity_numbers": {"()": "forlop.core.logging.IdentityNumberFilter"}},
    "formatters": {
        "generic": {"format": "%(asctime)s [%(process)d] [%(levelname)s] %(name)s %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "generic",
            "filters": ["identity_numbers"],
            "stream": "ext://sys.stdout",
        }
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
