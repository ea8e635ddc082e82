from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from tempfile import TemporaryDirectory
from unittest import mock

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase

from sathach.core.env import env_bool, env_int, env_list, local_secret_key

ROOT = Path(settings.BASE_DIR)


class EnvironmentTestCase(SimpleTestCase):
    def test_booleans_fail_loudly_on_a_bad_value(self) -> None:
        with (
            mock.patch.dict(os.environ, {"X_FLAG": "maybe"}),
            self.assertRaises(ImproperlyConfigured),
        ):
            env_bool("X_FLAG", False)
        with mock.patch.dict(os.environ, {"X_FLAG": "True"}):
            self.assertTrue(env_bool("X_FLAG", False))

    def test_integers_fail_loudly_on_a_bad_value(self) -> None:
        with (
            mock.patch.dict(os.environ, {"X_NUMBER": "ten"}),
            self.assertRaises(ImproperlyConfigured),
        ):
            env_int("X_NUMBER", 1)

    def test_lists_are_comma_separated(self) -> None:
        with mock.patch.dict(os.environ, {"X_HOSTS": "a.vn, b.vn,,"}):
            self.assertEqual(env_list("X_HOSTS", []), ["a.vn", "b.vn"])

    def test_the_local_secret_key_is_generated_once_and_private(self) -> None:
        with TemporaryDirectory() as folder:
            path = Path(folder) / "secret_key"
            first = local_secret_key(path)
            self.assertEqual(local_secret_key(path), first)
            self.assertEqual(path.stat().st_mode & 0o777, 0o600)
            self.assertGreater(len(first), 40)

    def test_every_variable_the_settings_read_is_documented(self) -> None:
        source = (ROOT / "sathach/settings.py").read_text()
        read = set(re.findall(r'env_\w+\("([A-Z_]+)"', source))
        documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
        self.assertEqual(sorted(read - documented), [])

    def test_the_defaults_are_safe(self) -> None:
        self.assertFalse(settings.DEBUG)
        self.assertEqual(settings.TIME_ZONE, "Asia/Ho_Chi_Minh")
        self.assertEqual(settings.LANGUAGE_CODE, "vi")
        self.assertIn("en", dict(settings.LANGUAGES))
        self.assertTrue(settings.SESSION_COOKIE_HTTPONLY)


class CommandLineTestCase(SimpleTestCase):
    def test_sathach_help_lists_djangos_commands_and_ours(self) -> None:
        result = subprocess.run(
            [sys.executable, "-c", "from sathach.cli import main; main()", "--help"],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        for command in ["migrate", "audit", "units", "people", "load_demo"]:
            self.assertIn(command, result.stdout)
