# The portal's own user model, first and alone: every other app's migrations point at it
# (settings.AUTH_USER_MODEL), so it depends on no app of the project.

import accounts.models
import django.db.models.functions.text
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.CreateModel(
            name='User',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('password', models.CharField(max_length=128, verbose_name='password')),
                ('last_login', models.DateTimeField(blank=True, null=True, verbose_name='last login')),
                ('is_superuser', models.BooleanField(default=False, help_text='Designates that this user has all permissions without explicitly assigning them.', verbose_name='superuser status')),
                ('email', models.EmailField(help_text='Used to sign in; never shown to the public.', max_length=254, unique=True, verbose_name='email address')),
                ('name', models.CharField(help_text='How the portal names you to others, e.g. on the versions you publish.', max_length=150, verbose_name='name')),
                ('is_staff', models.BooleanField(default=False, help_text='Admins manage accounts, roles and plans (the People pages and the Django admin).', verbose_name='admin')),
                ('is_active', models.BooleanField(default=True, help_text='A deactivated account cannot sign in; what it did stays attributed to it.', verbose_name='active')),
                ('date_joined', models.DateTimeField(default=django.utils.timezone.now, verbose_name='joined')),
                ('groups', models.ManyToManyField(blank=True, help_text='The groups this user belongs to. A user will get all permissions granted to each of their groups.', related_name='user_set', related_query_name='user', to='auth.group', verbose_name='groups')),
                ('user_permissions', models.ManyToManyField(blank=True, help_text='Specific permissions for this user.', related_name='user_set', related_query_name='user', to='auth.permission', verbose_name='user permissions')),
            ],
            options={
                'verbose_name': 'account',
                'verbose_name_plural': 'accounts',
                'constraints': [models.UniqueConstraint(django.db.models.functions.text.Lower('email'), name='user_email_unique_whatever_the_case', violation_error_message='An account with this email address already exists.')],
            },
            managers=[
                ('objects', accounts.models.UserManager()),
            ],
        ),
    ]
