"""gunicorn's settings, the same for `make run`, the deployment (docs/DEPLOYMENT.md) and
`sathach bench exam-day`: `gunicorn -c python:sathach.gunicorn_config --workers W`.

gunicorn's asyncio worker serves the ASGI application: the autosave, one small request per
answer, is answered on the event loop and written in batches (sathach.exams.autosave), and
Django serves the pages. Connections are kept alive: nginx keeps a pool of them open to
gunicorn, and no save pays for a new connection. The bench measured each choice: see
docs/PERFORMANCE.md.
"""

wsgi_app = "sathach.asgi:application"
worker_class = "asgi"
# Each worker listens on its own socket (SO_REUSEPORT) and the kernel spreads new
# connections evenly over them. A worker keeps the connections it accepted, so on a shared
# socket the first workers to wake up took more than their share of the examinees'
# kept-alive connections, and the busiest worker set the pace (docs/PERFORMANCE.md).
reuse_port = True
keepalive = 30  # seconds; above nginx's upstream keepalive_timeout (see DEPLOYMENT.md)
timeout = 60
forwarded_allow_ips = "127.0.0.1"


def post_worker_init(worker: object) -> None:
    """The event loop shares the interpreter with the page threads: a thread that wants the
    interpreter lock waits for the running one to let go, 5 ms by default, at every step of
    a save. 1 ms keeps the saves moving while pages are rendered (docs/PERFORMANCE.md)."""
    import sys

    sys.setswitchinterval(0.001)
