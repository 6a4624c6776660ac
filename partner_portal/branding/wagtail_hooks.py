from wagtail.contrib.settings.registry import register_setting

from .models import Branding

register_setting(Branding, icon="image")
