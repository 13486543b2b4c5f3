"""Registering a DocType in its app's ``App(...)`` and taking it out again, layout kept."""

from __future__ import annotations

import pytest

from framework_m_core.errors import ValidationError
from framework_m_studio.registration import register, unregister

APP = '''"""The library app."""

from framework_m import App

from .book import Book, BookController  # the first DocType

app = App(
    name="library",
    doctypes=[Book],
    controllers={"Book": BookController},
    version="1.0",  # hand-written
)
'''


def test_register_then_unregister_is_the_original() -> None:
    added = register(APP, "app", "Loan", ".loan", controller=True)
    assert "from .loan import Loan, LoanController\n" in added
    assert "    doctypes=[Book, Loan],\n" in added
    assert '    controllers={"Book": BookController, "Loan": LoanController},\n' in added
    assert '    version="1.0",  # hand-written\n' in added
    assert unregister(added, "app", "Loan", ".loan") == APP
    assert register(added, "app", "Loan", ".loan", controller=True) == added  # idempotent


def test_the_last_controller_takes_the_argument_with_it() -> None:
    emptied = unregister(APP, "app", "Book", ".book")
    assert "controllers" not in emptied
    assert "from .book" not in emptied
    assert "    doctypes=[],\n" in emptied
    assert '    version="1.0",  # hand-written\n' in emptied


def test_an_app_studio_cannot_edit_is_refused() -> None:
    with pytest.raises(ValidationError, match="declares no `app = App"):
        register("from x import make\n\napp = make()\n", "app", "Loan", ".loan", controller=True)
    computed = APP.replace("doctypes=[Book]", "doctypes=ALL")
    with pytest.raises(ValidationError, match="not a literal list"):
        register(computed, "app", "Loan", ".loan", controller=True)
