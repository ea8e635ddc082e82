"""A leader's photo for the exam card: any JPEG or PNG a district has (a scan, a phone's
picture) becomes a small upright JPEG with no metadata (a phone's EXIF carries the place it
was taken). Pillow decodes it fully, so a file that only looks like a picture is refused."""

from __future__ import annotations

import io
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# Pillow refuses to decode more pixels than this (a "decompression bomb").
MAX_PIXELS = 40_000_000
SIZE = (600, 800)
SMALLEST = (90, 120)


def photo_normalized(upload: UploadedFile) -> ContentFile[bytes]:
    """The upload as the JPEG kept for the card; a clear reason in Vietnamese otherwise."""
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The photo is larger than 5 MB: send a smaller picture."))
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(upload) as image:
            if image.format not in ("JPEG", "PNG"):
                raise ValidationError(_("The photo must be a JPEG or PNG picture."))
            image.load()
            picture = ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise ValidationError(_("This file is not a picture that can be read.")) from error
    if picture.width < SMALLEST[0] or picture.height < SMALLEST[1]:
        raise ValidationError(
            _("The photo is too small to print: at least %(w)s by %(h)s pixels.")
            % {"w": SMALLEST[0], "h": SMALLEST[1]}
        )
    picture.thumbnail(SIZE)
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=85, optimize=True)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")
