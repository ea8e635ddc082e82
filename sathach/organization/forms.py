from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from sathach.core.forms import validate_visible
from sathach.core.spreadsheets import workbook_problem
from sathach.core.text import nfc
from sathach.organization.models import AdministrativeUnit, Person, Position, Role
from sathach.organization.permissions import Perm, units_for_user
from sathach.organization.photos import photo_normalized
from sathach.organization.transfer.sheets import MAX_FILE_BYTES as IMPORT_MAX_FILE_BYTES


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.code})"


class UnitForm(forms.Form):
    code = forms.CharField(label=_("Official code"), max_length=10)
    name = forms.CharField(label=_("Name"), max_length=200, validators=[validate_visible])
    kind = forms.ChoiceField(label=_("Type"), choices=AdministrativeUnit.Kind.choices)
    parent = UnitChoiceField(label=_("Parent unit"), queryset=AdministrativeUnit.objects.none())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parent_field: Any = self.fields["parent"]
        parent_field.queryset = units_for_user(user, Perm.MANAGE_UNITS).exclude(
            level=AdministrativeUnit.Level.COMMUNE
        )

    def clean_name(self) -> str:
        return nfc(self.cleaned_data["name"])

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if not code.isdigit():
            raise forms.ValidationError(_("An official code has digits only."))
        return code


class UnitEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, validators=[validate_visible])
    kind = forms.ChoiceField(label=_("Type"), choices=AdministrativeUnit.Kind.choices)


class PersonForm(forms.ModelForm):
    unit = UnitChoiceField(label=_("Unit"), queryset=AdministrativeUnit.objects.none())
    # A plain file input: Django's clearable one would link the stored file's address,
    # which is not served; the page shows the photo through `person-photo` instead.
    photo = forms.FileField(
        label=_("Photo for the exam card"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png"}),
        help_text=_("A portrait (3x4), JPEG or PNG, up to 5 MB."),
    )
    remove_photo = forms.BooleanField(label=_("Remove the photo"), required=False)

    class Meta:
        model = Person
        fields = ["full_name", "gender", "unit", "position", "acting", "phone", "email", "photo"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field: Any = self.fields["unit"]
        unit_field.queryset = units_for_user(user, Perm.MANAGE_PEOPLE)
        if not self.instance.photo:
            del self.fields["remove_photo"]

    def clean_full_name(self) -> str:
        validate_visible(self.cleaned_data["full_name"])
        name = nfc(self.cleaned_data["full_name"])
        if len(name.split()) < 2:
            raise forms.ValidationError(_("Write the full name: family name and given name."))
        return name

    def clean_photo(self) -> Any:
        photo = self.cleaned_data.get("photo")
        if isinstance(photo, UploadedFile):
            return photo_normalized(photo)
        return photo

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if cleaned.get("remove_photo") and not isinstance(self.files.get("photo"), UploadedFile):
            cleaned["photo"] = ""
        return cleaned

    def clean_phone(self) -> str:
        phone = "".join(self.cleaned_data["phone"].split())
        if phone and not (phone.lstrip("+").isdigit() and 9 <= len(phone.lstrip("+")) <= 12):
            raise forms.ValidationError(_("A phone number has 9 to 12 digits."))
        return phone


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    unit = UnitChoiceField(
        label=_("Unit"), required=False, queryset=AdministrativeUnit.objects.none()
    )
    position = forms.ChoiceField(
        label=_("Position"), required=False, choices=[("", _("All positions")), *Position.choices]
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field: Any = self.fields["unit"]
        unit_field.queryset = units_for_user(user, Perm.VIEW_ORGANIZATION)


class AccountForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=150, validators=[validate_visible])
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    unit = UnitChoiceField(label=_("Unit"), queryset=AdministrativeUnit.objects.none())
    password = forms.CharField(
        label=_("One-time password"),
        widget=forms.PasswordInput(render_value=False),
        help_text=_("The user must replace it at first sign-in."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field: Any = self.fields["unit"]
        unit_field.queryset = units_for_user(user, Perm.MANAGE_ACCOUNTS)


class RoleGrantForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    unit = UnitChoiceField(label=_("Unit"), queryset=AdministrativeUnit.objects.none())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field: Any = self.fields["unit"]
        unit_field.queryset = units_for_user(user, Perm.MANAGE_ACCOUNTS)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Choose an .xlsx file made from the template."))
        # Read as what it is, here, before any background job: a zip with a workbook's
        # content types, small enough once unpacked (core.spreadsheets).
        if upload.size <= IMPORT_MAX_FILE_BYTES:
            problem = workbook_problem(upload.read())
            upload.seek(0)
            if problem is not None:
                raise forms.ValidationError(problem.message)
        return upload
