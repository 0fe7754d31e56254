"""Shared by the participation models: the private storage and files kept in it."""

from __future__ import annotations

from django.core.files.storage import Storage, storages
from django.db import models
from django.utils.translation import gettext_lazy as _

from territori.core.models import DataStatus


def private_storage() -> Storage:
    """Uploaded documents: outside the web root, served only through permission checks."""
    return storages["private"]


def data_status_field() -> models.CharField[str, str]:
    return models.CharField(
        _("data status"), max_length=20, choices=DataStatus.choices, default=DataStatus.CONFIRMED
    )


class StoredFile(models.Model):
    """A checked upload (type recognised from its content) in the private storage."""

    file = models.FileField(_("file"), storage=private_storage, upload_to="participation/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    media_type = models.CharField(_("media type"), max_length=120)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name


# --- Accounts, consent and the stakeholder registry -------------------------------------
