"""gunicorn's settings for `make serve`: the app is loaded once, before the workers fork.

The workers then share the master's memory pages (copy-on-write) instead of each importing
Django, Wagtail and the project, and building the gazetteer's city index on its first city
search (about a second and tens of megabytes per worker; issue #16). `gc.freeze()` keeps the
garbage collector from touching, and so copying, those shared objects.
"""

import gc

preload_app = True


def when_ready(server):
    from trainers.geocoding.gazetteer import preload

    preload()
    gc.freeze()
