# The e-office pass rule has one home, the campaign: the scenario set's minimum, which the
# grading read, is copied there before it goes, so that results graded before keep their
# rule.

from django.db import migrations


def copy_rule(apps, schema_editor):
    ScenarioSet = apps.get_model("eoffice", "ScenarioSet")
    Campaign = apps.get_model("campaigns", "Campaign")
    for campaign_id, minimum in ScenarioSet.objects.values_list("campaign_id", "min_passed"):
        if minimum:
            Campaign.objects.filter(pk=campaign_id).update(
                content2_rule="min_tasks", content2_min_tasks=minimum
            )
        else:
            Campaign.objects.filter(pk=campaign_id).update(
                content2_rule="all_tasks", content2_min_tasks=None
            )


def copy_back(apps, schema_editor):
    ScenarioSet = apps.get_model("eoffice", "ScenarioSet")
    for rules in ScenarioSet.objects.select_related("campaign"):
        campaign = rules.campaign
        rules.min_passed = (
            campaign.content2_min_tasks if campaign.content2_rule == "min_tasks" else None
        )
        rules.save(update_fields=["min_passed"])


class Migration(migrations.Migration):
    dependencies = [
        ("eoffice", "0003_deadline_optional_coordinators_rule"),
        ("campaigns", "0002_pass_rules_fixed"),
    ]

    operations = [
        migrations.RunPython(copy_rule, copy_back),
        migrations.RemoveField(
            model_name="scenarioset",
            name="min_passed",
        ),
    ]
