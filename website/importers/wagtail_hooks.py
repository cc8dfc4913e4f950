from wagtail import hooks

from website.importers.viewsets import import_viewsets


@hooks.register("register_admin_viewset")
def register_import_viewsets():
    return import_viewsets()


@hooks.register("register_permissions")
def register_import_permission():
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(content_type__app_label="importers", codename="run_import")
