from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("learning", "0005_course_reveal_answers"),
    ]

    operations = [
        migrations.AlterField(
            model_name="coursepage",
            name="code",
            field=models.SlugField(
                help_text="A short unique code, used by certifications and imports.",
                max_length=40,
                verbose_name="course code",
            ),
        ),
    ]
