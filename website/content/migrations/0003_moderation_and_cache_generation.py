"""Editors draft and submit, Moderators approve and publish; the page cache gets its counter.

Wagtail's own migrations already make the "Editors" and "Moderators" groups, their page
permissions on the root and the "Moderators approval" workflow there. This keeps that
arrangement true on databases where it was changed, and lets both groups manage categories.
"""

from django.db import migrations

CATEGORY_PERMISSIONS = {"Editors": ["add", "change"], "Moderators": ["add", "change", "delete"]}


def ensure_moderation(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")

    editors, _ = Group.objects.get_or_create(name="Editors")
    moderators, _ = Group.objects.get_or_create(name="Moderators")

    admin_type, _ = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    access_admin, _ = Permission.objects.get_or_create(
        content_type=admin_type, codename="access_admin", defaults={"name": "Can access Wagtail admin"}
    )
    category_type, _ = ContentType.objects.get_or_create(app_label="content", model="category")
    for group in (editors, moderators):
        group.permissions.add(access_admin)
        for action in CATEGORY_PERMISSIONS[group.name]:
            permission, _ = Permission.objects.get_or_create(
                content_type=category_type, codename=f"{action}_category", defaults={"name": f"Can {action} category"}
            )
            group.permissions.add(permission)

    root = Page.objects.filter(depth=1).first()
    if root is None:
        return
    page_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="page")
    grants = {editors: ["add_page", "change_page"], moderators: ["add_page", "change_page", "publish_page"]}
    for group, codenames in grants.items():
        for codename in codenames:
            permission, _ = Permission.objects.get_or_create(
                content_type=page_type, codename=codename, defaults={"name": codename.replace("_", " ")}
            )
            GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)

    if WorkflowPage.objects.filter(page=root).exists():
        return
    task_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
    task = GroupApprovalTask.objects.create(name="Moderators approval", content_type=task_type, active=True)
    task.groups.set([moderators])
    workflow = Workflow.objects.create(name="Moderators approval", active=True)
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.create(workflow=workflow, page=root)


def create_generation(apps, schema_editor):
    apps.get_model("content", "ContentGeneration").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0002_episodes_articles_categories"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [
        migrations.RunPython(ensure_moderation, migrations.RunPython.noop),
        migrations.RunPython(create_generation, migrations.RunPython.noop),
    ]
