"""The course sales page: modules, instructors, testimonials, FAQ, the refund guarantee.

A lesson's duration moves from whole minutes to seconds (existing lessons and their saved
revisions are converted, so restoring an old revision keeps its duration), and Editors and
Moderators may manage instructors.
"""

import django.core.validators
import django.db.models.deletion
import modelcluster.fields
import modelsearch.index
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

INSTRUCTOR_PERMISSIONS = ["add_instructor", "change_instructor", "delete_instructor", "view_instructor"]
GROUPS = ["Editors", "Moderators"]


def minutes_to_seconds(apps, schema_editor):
    LessonPage = apps.get_model("courses", "LessonPage")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("wagtailcore", "Revision")
    for lesson in LessonPage.objects.exclude(duration_minutes=0).only("pk", "duration_minutes"):
        LessonPage.objects.filter(pk=lesson.pk).update(duration_seconds=lesson.duration_minutes * 60)
    content_type = ContentType.objects.filter(app_label="courses", model="lessonpage").first()
    if content_type is None:
        return
    for revision in Revision.objects.filter(content_type=content_type).iterator():
        content = revision.content
        if "duration_minutes" in content:
            content["duration_seconds"] = (content.pop("duration_minutes") or 0) * 60
            Revision.objects.filter(pk=revision.pk).update(content=content)


def seconds_to_minutes(apps, schema_editor):
    LessonPage = apps.get_model("courses", "LessonPage")
    for lesson in LessonPage.objects.exclude(duration_seconds=0).only("pk", "duration_seconds"):
        LessonPage.objects.filter(pk=lesson.pk).update(
            duration_minutes=min(32767, round(lesson.duration_seconds / 60))
        )


def grant_instructor_permissions(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure ours exist now.
    app_config = apps.get_app_config("courses")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="courses", codename__in=INSTRUCTOR_PERMISSIONS
    )
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(*permissions)



class Migration(migrations.Migration):

    dependencies = [
        ('courses', '0003_documents_in_private_storage'),
        ('wagtailimages', '0027_image_description'),
        ('wagtailcore', '0098_apitoken'),
        ('content', '0003_moderation_and_cache_generation'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.AddField(
            model_name='coursepage',
            name='guarantee',
            field=models.TextField(blank=True, help_text='A sentence or two beside the buy button, e.g. “Try it for 30 days…”. A live page with the slug “refund-policy” is linked from it.', max_length=400, verbose_name='refund guarantee'),
        ),
        migrations.AddField(
            model_name='lessonpage',
            name='duration_seconds',
            field=models.PositiveIntegerField(default=0, help_text="How long the lesson's video runs.", validators=[django.core.validators.MaxValueValidator(86399)], verbose_name='duration'),
        ),
        migrations.CreateModel(
            name='CourseQuestion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sort_order', models.IntegerField(blank=True, editable=False, null=True)),
                ('question', models.CharField(max_length=200)),
                ('answer', models.TextField(help_text='Plain text; blank lines start paragraphs.', max_length=2000)),
                ('course', modelcluster.fields.ParentalKey(on_delete=django.db.models.deletion.CASCADE, related_name='questions', to='courses.coursepage')),
            ],
            options={
                'verbose_name': 'frequently asked question',
                'ordering': ['sort_order'],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='Instructor',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=120)),
                ('headline', models.CharField(blank=True, help_text='A line under the name, e.g. “Founder, Coachhouse”.', max_length=160)),
                ('bio', models.TextField(blank=True, help_text='A short biography; blank lines start paragraphs.')),
                ('credentials', models.TextField(blank=True, help_text='One per line, e.g. “Z-Health Master Trainer”.')),
                ('photo', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='wagtailimages.image')),
            ],
            options={
                'ordering': ['name'],
            },
            bases=(modelsearch.index.Indexed, models.Model),
        ),
        migrations.AddField(
            model_name='coursepage',
            name='instructor',
            field=models.ForeignKey(blank=True, help_text='Who teaches the course: photo, bio and credentials (Snippets → Instructors).', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='courses', to='courses.instructor'),
        ),
        migrations.CreateModel(
            name='Module',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sort_order', models.IntegerField(blank=True, editable=False, null=True)),
                ('title', models.CharField(max_length=120)),
                ('summary', models.TextField(blank=True, max_length=400)),
                ('course', modelcluster.fields.ParentalKey(on_delete=django.db.models.deletion.CASCADE, related_name='modules', to='courses.coursepage')),
            ],
            options={
                'verbose_name': 'module',
                'ordering': ['sort_order'],
                'abstract': False,
            },
        ),
        migrations.AddField(
            model_name='lessonpage',
            name='module',
            field=models.ForeignKey(blank=True, help_text="Where the lesson sits in the course's curriculum (the course's modules).", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='lessons', to='courses.module'),
        ),
        migrations.CreateModel(
            name='Testimonial',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sort_order', models.IntegerField(blank=True, editable=False, null=True)),
                ('quote', models.TextField(max_length=1000)),
                ('author', models.CharField(max_length=120)),
                ('author_detail', models.CharField(blank=True, help_text='E.g. “Physical therapist, Denver”.', max_length=160)),
                ('rating', models.PositiveSmallIntegerField(blank=True, choices=[(1, '1 of 5 stars'), (2, '2 of 5 stars'), (3, '3 of 5 stars'), (4, '4 of 5 stars'), (5, '5 of 5 stars')], help_text='Only a rating the student gave. Ratings are averaged for search engines.', null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(5)])),
                ('course', modelcluster.fields.ParentalKey(on_delete=django.db.models.deletion.CASCADE, related_name='testimonials', to='courses.coursepage')),
            ],
            options={
                'verbose_name': 'testimonial',
                'ordering': ['sort_order'],
                'abstract': False,
            },
        ),
        migrations.RunPython(minutes_to_seconds, seconds_to_minutes),
        migrations.RemoveField(
            model_name='lessonpage',
            name='duration_minutes',
        ),
        migrations.RunPython(grant_instructor_permissions, migrations.RunPython.noop),
    ]
