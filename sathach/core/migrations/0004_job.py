"""The background job moves here from reports; its table keeps the name reports_job, so
the move changes the migration state only. Two columns are added for the generic page."""

import django.db.models.deletion
import sathach.core.models
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    """Permissions and admin history of reports.job follow the model to core."""
    content_type = apps.get_model("contenttypes", "ContentType")
    if not content_type.objects.filter(app_label="core", model="job").exists():
        content_type.objects.filter(app_label="reports", model="job").update(app_label="core")


def move_content_type_back(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    if not content_type.objects.filter(app_label="reports", model="job").exists():
        content_type.objects.filter(app_label="core", model="job").update(app_label="reports")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_audit_head"),
        ("reports", "0001_initial"),
        ("campaigns", "0001_initial"),
        ("organization", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Job",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("certificates", "Award certificates"),
                                    ("regrade", "Grading again"),
                                    ("statistics", "Item statistics"),
                                    ("question_import", "Question import"),
                                ],
                                max_length=30,
                                verbose_name="kind",
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("queued", "Waiting"),
                                    ("running", "Running"),
                                    ("done", "Done"),
                                    ("failed", "Failed"),
                                ],
                                default="queued",
                                max_length=10,
                                verbose_name="status",
                            ),
                        ),
                        ("total", models.PositiveIntegerField(default=0, verbose_name="steps")),
                        (
                            "done",
                            models.PositiveIntegerField(default=0, verbose_name="steps done"),
                        ),
                        (
                            "errors",
                            models.JSONField(blank=True, default=list, verbose_name="errors"),
                        ),
                        ("secret", models.BinaryField(blank=True, default=b"")),
                        ("task_id", models.CharField(blank=True, max_length=64)),
                        (
                            "result",
                            models.FileField(
                                blank=True,
                                upload_to=sathach.core.models.job_result_path,
                                verbose_name="result",
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("started_at", models.DateTimeField(blank=True, null=True)),
                        ("finished_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "campaign",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="campaigns.campaign",
                            ),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "unit",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="organization.administrativeunit",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "background job",
                        "verbose_name_plural": "background jobs",
                        "ordering": ["-created_at", "-pk"],
                        "db_table": "reports_job",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name="job",
            name="message",
            field=models.CharField(blank=True, max_length=300, verbose_name="message"),
        ),
        migrations.AddField(
            model_name="job",
            name="next_url",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
