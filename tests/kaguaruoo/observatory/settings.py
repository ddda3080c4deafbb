"""The production settings, served by gunicorn over TLS on a port of the test's choosing.

Django's HTTPS redirect keeps the host and port it was asked on; the plain port must
send the visitor on to the TLS port, as port 80 sends to 443 in production.
"""

import os

from kaguaruoo.settings import *  # noqa: F403

SECURE_SSL_HOST = os.environ["OBSERVATORY_SSL_HOST"]
