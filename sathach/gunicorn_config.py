"""gunicorn's settings, the same for `make run`, the deployment (docs/DEPLOYMENT.md) and
`sathach bench exam-day`: `gunicorn -c python:sathach.gunicorn_config --workers W`.

Threaded workers keep connections alive: nginx keeps a pool of them open to gunicorn, and
on the exam day the autosave (one small request per answer) no longer pays for a new
connection each time. The bench measured the difference: see docs/PERFORMANCE.md.
"""

wsgi_app = "sathach.wsgi"
# Each worker listens on its own socket (SO_REUSEPORT) and the kernel spreads new
# connections evenly over them. A threaded worker keeps the connections it accepted, so on a
# shared socket the first workers to wake up took more than their share of the examinees'
# kept-alive connections, and the busiest worker set the pace (docs/PERFORMANCE.md).
reuse_port = True
worker_class = "gthread"
threads = 4
keepalive = 30  # seconds; above nginx's upstream keepalive_timeout (see DEPLOYMENT.md)
timeout = 60
forwarded_allow_ips = "127.0.0.1"
