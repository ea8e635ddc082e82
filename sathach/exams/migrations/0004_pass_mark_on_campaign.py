# The IT-skills pass mark has one home, the campaign: the blueprint's, which the grading
# read, is copied there before it goes, so that results graded before keep their rule.

from django.db import migrations, models


def copy_pass_mark(apps, schema_editor):
    Blueprint = apps.get_model("exams", "Blueprint")
    Campaign = apps.get_model("campaigns", "Campaign")
    for campaign_id, mark in Blueprint.objects.values_list("campaign_id", "pass_mark"):
        Campaign.objects.filter(pk=campaign_id).update(content1_pass_mark=mark)


def copy_back(apps, schema_editor):
    Blueprint = apps.get_model("exams", "Blueprint")
    for blueprint in Blueprint.objects.select_related("campaign"):
        blueprint.pass_mark = blueprint.campaign.content1_pass_mark
        blueprint.save(update_fields=["pass_mark"])


class Migration(migrations.Migration):
    dependencies = [
        ("exams", "0003_attempt_wrong_codes"),
        ("campaigns", "0002_pass_rules_fixed"),
    ]

    operations = [
        migrations.RunPython(copy_pass_mark, copy_back),
        migrations.RemoveField(
            model_name="blueprint",
            name="pass_mark",
        ),
        migrations.AddField(
            model_name="attempt",
            name="module_scores",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
