from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Literal
from uuid import UUID

import pytest
from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, computed_field, field_serializer

from framework_m_core import (
    App,
    ChildDocType,
    ConfigurationError,
    DocType,
    DocTypeExtension,
    DocTypeMeta,
    FetchFrom,
    Link,
    MetaRegistry,
    NotFound,
)
from framework_m_core.registry import discover_apps


class Colour(Enum):
    RED = "red"


class Point(BaseModel):
    x: int


class Line(ChildDocType):
    text: str


class Target(DocType):
    label: str = ""


class Everything(DocType):
    s: str = Field(default="", max_length=40)
    i: int = 0
    f: float | None = None
    b: bool = False
    d: Decimal = Field(default=Decimal(0), max_digits=10, decimal_places=2)
    u: UUID | None = None
    sel: Literal["x", "y"] = "x"
    en: Colour | None = None
    js: list[int] = []
    obj: dict[str, Any] = {}
    nested: Point | None = None
    link: Annotated[UUID | None, Link("Target")] = None
    fetched: Annotated[str | None, FetchFrom("link.label")] = None
    lines: list[Line] = []

    @computed_field  # type: ignore[prop-decorator]
    @property
    def shout(self) -> str:
        return self.s.upper()

    class Meta:
        title_field = "s"
        indexes = ["i", ("s", "b")]


def test_fields_are_classified() -> None:
    meta = DocTypeMeta.of(Everything)
    kinds = {name: spec.kind for name, spec in meta.fields.items() if not spec.standard}
    assert kinds == {
        "s": "data",
        "i": "int",
        "f": "float",
        "b": "bool",
        "d": "decimal",
        "u": "uuid",
        "sel": "select",
        "en": "select",
        "js": "json",
        "obj": "json",
        "nested": "json",
        "link": "link",
        "fetched": "data",
        "lines": "table",
    }
    assert meta.fields["s"].max_length == 40
    assert (meta.fields["d"].max_digits, meta.fields["d"].decimal_places) == (10, 2)
    assert meta.fields["f"].nullable
    assert not meta.fields["i"].nullable
    assert meta.fields["en"].options == ("red",)
    assert meta.links == {"link": "Target"}
    assert meta.computed == ("shout",)
    assert meta.options.indexes == (("i",), ("s", "b"))
    assert set(meta.children) == {"lines"}
    assert meta.fields["version"].standard


class Plain(DocType):
    title: str
    amount: Decimal = Decimal(0)
    kind: Literal["a", "b"] = "a"
    lines: list[Line] = []
    extra: dict[str, Any] = {}


class WithExcluded(DocType):
    title: str
    secret: str = Field(default="", exclude=True)


class WithFieldSerializer(DocType):
    title: str

    @field_serializer("title")
    def _upper(self, value: str) -> str:
        return value.upper()


class WithAnnotatedSerializer(DocType):
    title: Annotated[str, PlainSerializer(lambda v: v.upper())] = ""


class Shouting(BaseModel):
    text: str

    @field_serializer("text")
    def _upper(self, value: str) -> str:
        return value.upper()


class WithSerializedJson(DocType):
    note: Shouting | None = None


class InfNanAsConstants(DocType):
    model_config = ConfigDict(ser_json_inf_nan="constants")
    ratio: float = 0.0


class ComputedLine(ChildDocType):
    qty: int = 1

    @computed_field  # type: ignore[prop-decorator]
    @property
    def double(self) -> int:
        return 2 * self.qty


class WithComputedChild(DocType):
    lines: list[ComputedLine] = []


def test_serves_records_only_when_records_encode_like_documents() -> None:
    assert DocTypeMeta.of(Plain).serves_records
    for model in (
        Everything,  # a computed field
        WithExcluded,
        WithFieldSerializer,
        WithAnnotatedSerializer,
        WithSerializedJson,
        InfNanAsConstants,
        WithComputedChild,
    ):
        assert not DocTypeMeta.of(model).serves_records, model.__name__


@pytest.mark.parametrize(
    ("meta_attrs", "message"),
    [
        ({"title_field": "nope"}, "title_field names unknown field 'nope'"),
        ({"naming": "field:nope"}, "naming names unknown field 'nope'"),
        ({"naming": "format:{nope}-{###}"}, "naming names unknown field 'nope'"),
        ({"unique_together": [("label", "zzz")]}, "unknown field 'zzz'"),
        ({"colour": "blue"}, "invalid Meta options"),
        ({"permissions": {"R": ["fly"]}}, "invalid Meta options"),
    ],
)
def test_bad_meta_is_a_configuration_error(meta_attrs: dict[str, Any], message: str) -> None:
    meta_cls = type("Meta", (), meta_attrs)
    model = type(
        "Bad",
        (DocType,),
        {"__module__": __name__, "__annotations__": {"label": str}, "label": "", "Meta": meta_cls},
    )
    with pytest.raises(ConfigurationError, match=message):
        DocTypeMeta.of(model)


def test_link_must_be_uuid_and_embedded_doctype_rejected() -> None:
    class BadLink(DocType):
        other: Annotated[str, Link("Target")] = ""

    class Embeds(DocType):
        target: Target | None = None

    with pytest.raises(ConfigurationError, match="must be typed UUID"):
        DocTypeMeta.of(BadLink)
    with pytest.raises(ConfigurationError, match="use a Link"):
        DocTypeMeta.of(Embeds)


def test_duplicate_doctype_names_both_sources() -> None:
    first = App(name="first", doctypes=[Target])
    second = App(name="second", doctypes=[Target])
    with pytest.raises(ConfigurationError, match="by app 'first' and by app 'second'"):
        MetaRegistry([first, second])


def test_unknown_link_target_rejected() -> None:
    with pytest.raises(ConfigurationError, match="links to unknown DocType 'Target'"):
        MetaRegistry([App(name="a", doctypes=[Everything])])


class Loyalty(DocTypeExtension):
    points: int = 0


class Clash(DocTypeExtension):
    label: int = 0


def test_override_adds_fields_and_keeps_base() -> None:
    registry = MetaRegistry(
        [App(name="base", doctypes=[Target]), App(name="ext", overrides={"Target": Loyalty})]
    )
    meta = registry.get("Target")
    assert {"label", "points"} <= set(meta.fields)
    assert issubclass(meta.model, Target)
    assert meta.app == "base"


def test_override_cannot_redefine_base_field_or_target_unknown() -> None:
    with pytest.raises(ConfigurationError, match="'label' already exists"):
        MetaRegistry(
            [App(name="base", doctypes=[Target]), App(name="ext", overrides={"Target": Clash})]
        )
    with pytest.raises(ConfigurationError, match="overrides unknown DocType 'Ghost'"):
        MetaRegistry([App(name="ext", overrides={"Ghost": Loyalty})])


def test_unknown_doctype_is_not_found() -> None:
    with pytest.raises(NotFound):
        MetaRegistry([]).get("Ghost")


@pytest.fixture
def installed_apps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Three real distributions on sys.path whose entry points declare apps; ``zeta`` is a system app."""
    for dist, app_name in (("alpha_app", "alpha"), ("beta_app", "beta"), ("zeta_app", "zeta")):
        pkg = tmp_path / dist
        pkg.mkdir()
        (pkg / "__init__.py").write_text(
            textwrap.dedent(f"""
            from framework_m_core import App, DocType

            class {app_name.title()}Doc(DocType):
                title: str = ""

            app = App(name="{app_name}", doctypes=[{app_name.title()}Doc], system={app_name == "zeta"})
        """)
        )
        info = tmp_path / f"{dist}-1.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
        (info / "entry_points.txt").write_text(f"[framework_m.apps]\n{app_name} = {dist}:app\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for mod in ("alpha_app", "beta_app", "zeta_app"):
        sys.modules.pop(mod, None)


@pytest.mark.usefixtures("installed_apps")
def test_discovery_follows_configured_order() -> None:
    loaded = discover_apps(["beta", "alpha"])
    names = [app.app.name for app in loaded]
    # System apps (ours: identity; the fixture's: zeta) load after core whatever the order says.
    assert names[0] == "core"
    assert "zeta" in names
    assert names[-2:] == ["beta", "alpha"]
    assert all(app.app.system for app in loaded[1:-2])
    assert "alpha_app 1.0" in discover_apps(["alpha"])[-1].source
    registry = MetaRegistry.discover(["alpha"])
    assert "AlphaDoc" in registry
    assert "ZetaDoc" in registry
    assert "BetaDoc" not in registry


@pytest.mark.usefixtures("installed_apps")
def test_discovery_rejects_unknown_configured_app() -> None:
    with pytest.raises(ConfigurationError, match=r"configured apps \['gamma'\] are not installed"):
        discover_apps(["alpha", "gamma"])
