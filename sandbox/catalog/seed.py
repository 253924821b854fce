"""Deterministic catalog seed: a Luma-like store, two store views, any size.

Rules: everything comes from one ``random.Random(SEED)`` consumed in a fixed order, so two seeds of the
same size give the same ids, SKUs, prices and texts; dates are fixed (special prices run 2024-2099, so they
are "currently active" whatever the day). Rows are written with ``bulk_create`` in batches, so 50,000
products take seconds, not minutes. Re-seeding replaces every catalog table. Images are not generated
here: products share (shape, colour) images that the media view draws on first request.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction

from sandbox.catalog.models import (
    Attribute,
    AttributeOption,
    Category,
    CmsBlock,
    CmsPage,
    Product,
    ProductCategory,
    ProductLink,
    ProductUndo,
    Store,
    UrlRewrite,
)

SEED = 20240101
DEFAULT_PRODUCTS = 2150  # ≈300 configurables, ≈1,350 children, 500 simples
BATCH = 2000
SPECIAL_FROM = dt.date(2024, 1, 1)
SPECIAL_TO = dt.date(2099, 12, 31)
CREATED_AT = dt.datetime(2024, 1, 1, 8, 0, tzinfo=dt.UTC)
ROOT_CATALOG_ID = 1
DEFAULT_CATEGORY_ID = 2

Progress = Callable[[str], None]

# --- attributes and options (ids after the Luma sample data where they are well known) -------------------

COLORS = [  # (option id, label, German label, hex, image colour key)
    (49, "Black", "Schwarz", "#000000", "black"),
    (50, "Blue", "Blau", "#1857f7", "blue"),
    (51, "Brown", "Braun", "#945454", "brown"),
    (52, "Gray", "Grau", "#8f8f8f", "gray"),
    (53, "Green", "Grün", "#53a828", "green"),
    (54, "Lavender", "Lavendel", "#ce64d4", "lavender"),
    (55, "Multi", "Mehrfarbig", "#ffffff", "multi"),
    (56, "Orange", "Orange", "#eb6703", "orange"),
    (57, "Purple", "Lila", "#ef3dff", "purple"),
    (58, "Red", "Rot", "#ff0000", "red"),
    (59, "White", "Weiß", "#ffffff", "white"),
    (60, "Yellow", "Gelb", "#ffd500", "yellow"),
]
APPAREL_COLORS = [c for c in COLORS if c[1] != "Multi"]
TOP_SIZES = [(166, "XS"), (167, "S"), (168, "M"), (169, "L"), (170, "XL")]
BOTTOM_SIZES = [(171, "28"), (172, "29"), (173, "30"), (174, "31"), (175, "32"), (176, "33"), (177, "34"), (178, "36")]
MATERIALS = [
    (31, "Cotton", "Baumwolle"),
    (32, "Polyester", "Polyester"),
    (33, "Nylon", "Nylon"),
    (34, "Wool", "Wolle"),
    (35, "Fleece", "Fleece"),
    (36, "Spandex", "Elasthan"),
    (37, "LumaTech™", "LumaTech™"),
    (38, "CoolTech™", "CoolTech™"),
    (39, "Organic Cotton", "Bio-Baumwolle"),
    (40, "Hemp", "Hanf"),
    (41, "Leather", "Leder"),
    (42, "Canvas", "Segeltuch"),
    (43, "Rubber", "Gummi"),
    (44, "Stainless Steel", "Edelstahl"),
]
PATTERNS = [(190, "Solid", "Uni"), (191, "Striped", "Gestreift"), (192, "Color-Blocked", "Farbblock")]
CLIMATES = [
    (200, "All-Weather", "Allwetter"),
    (201, "Cool", "Kühl"),
    (202, "Indoor", "Innen"),
    (203, "Rainy", "Regnerisch"),
    (204, "Warm", "Warm"),
    (205, "Windy", "Windig"),
]
ACTIVITIES = [
    (210, "Yoga", "Yoga"),
    (211, "Running", "Laufen"),
    (212, "Gym", "Fitnessstudio"),
    (213, "Hiking", "Wandern"),
    (214, "Travel", "Reisen"),
]
BOOLEAN = [(1, "Yes", "Ja"), (0, "No", "Nein")]

# (attribute id, code, label, German label, input, swatch type, options)
ATTRIBUTES = [
    (93, "color", "Color", "Farbe", "select", "visual", [(o, label, d) for o, label, d, _h, _k in COLORS]),
    (144, "size", "Size", "Größe", "select", "text", [(o, s, s) for o, s in TOP_SIZES + BOTTOM_SIZES]),
    (136, "material", "Material", "Material", "multiselect", "", MATERIALS),
    (154, "pattern", "Pattern", "Muster", "multiselect", "", PATTERNS),
    (151, "climate", "Climate", "Klima", "multiselect", "", CLIMATES),
    (142, "activity", "Activity", "Aktivität", "multiselect", "", ACTIVITIES),
    (155, "eco_collection", "Eco Collection", "Öko-Kollektion", "boolean", "", []),
    (159, "new", "New", "Neu", "boolean", "", []),
]

# --- categories ----------------------------------------------------------------------------------------------


@dataclass
class CategorySpec:
    name: str
    de: str
    url_key: str
    children: list[CategorySpec] = field(default_factory=list)
    in_menu: bool = True


def _gender_tree(prefix: str, name: str, de: str, tanks: tuple[str, str, str]) -> CategorySpec:
    return CategorySpec(
        name,
        de,
        prefix,
        [
            CategorySpec(
                "Tops",
                "Oberteile",
                f"tops-{prefix}",
                [
                    CategorySpec("Jackets", "Jacken", f"jackets-{prefix}"),
                    CategorySpec("Hoodies & Sweatshirts", "Hoodies & Sweatshirts", f"hoodies-and-sweatshirts-{prefix}"),
                    CategorySpec("Tees", "T-Shirts", f"tees-{prefix}"),
                    CategorySpec(*tanks),
                ],
            ),
            CategorySpec(
                "Bottoms",
                "Hosen",
                f"bottoms-{prefix}",
                [
                    CategorySpec("Pants", "Lange Hosen", f"pants-{prefix}"),
                    CategorySpec("Shorts", "Shorts", f"shorts-{prefix}"),
                ],
            ),
        ],
    )


CATEGORY_TREE = [
    CategorySpec("What's New", "Neuheiten", "what-is-new"),
    _gender_tree("women", "Women", "Damen", ("Bras & Tanks", "BHs & Tanktops", "tanks-women")),
    _gender_tree("men", "Men", "Herren", ("Tanks", "Tanktops", "tanks-men")),
    CategorySpec(
        "Gear",
        "Ausrüstung",
        "gear",
        [
            CategorySpec(
                "Bags",
                "Taschen",
                "bags",
                [
                    CategorySpec("Backpacks", "Rucksäcke", "backpacks"),
                    CategorySpec("Duffles", "Sporttaschen", "duffles"),
                ],
            ),
            CategorySpec(
                "Fitness Equipment",
                "Fitnessgeräte",
                "fitness-equipment",
                [CategorySpec("Yoga Mats", "Yogamatten", "yoga-mats"), CategorySpec("Weights", "Gewichte", "weights")],
            ),
            CategorySpec("Watches", "Uhren", "watches"),
        ],
    ),
    CategorySpec(
        "Training", "Training", "training", [CategorySpec("Video Download", "Video-Download", "training-video")]
    ),
    CategorySpec("Sale", "Sale", "sale"),
    CategorySpec(
        "Promotions",
        "Aktionen",
        "promotions",
        [
            CategorySpec("Women Sale", "Damen Sale", "women-sale"),
            CategorySpec("Men Sale", "Herren Sale", "men-sale"),
            CategorySpec("Pants", "Hosen", "pants-all"),
            CategorySpec("Tees", "T-Shirts", "tees-all"),
        ],
        in_menu=False,
    ),
    CategorySpec(
        "Collections",
        "Kollektionen",
        "collections",
        [
            CategorySpec("New Luma Yoga Collection", "Neue Luma Yoga-Kollektion", "yoga-new"),
            CategorySpec("Erin Recommends", "Erin empfiehlt", "erin-recommends"),
            CategorySpec("Performance Fabrics", "Funktionsstoffe", "performance-fabrics"),
            CategorySpec("Eco Friendly", "Umweltfreundlich", "eco-friendly"),
        ],
        in_menu=False,
    ),
]

# --- product families ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Family:
    sku_prefix: str
    noun: str
    noun_de: str
    shape: str
    category_path: str  # url_path of the leaf category
    bottoms: bool = False
    configurable: bool = True


CONFIGURABLE_FAMILIES = [
    Family("MJ", "Jacket", "Jacke", "jacket", "men/tops-men/jackets-men"),
    Family("MH", "Hoodie", "Hoodie", "hoodie", "men/tops-men/hoodies-and-sweatshirts-men"),
    Family("MS", "Tee", "T-Shirt", "tee", "men/tops-men/tees-men"),
    Family("MT", "Tank", "Tanktop", "tank", "men/tops-men/tanks-men"),
    Family("MP", "Pant", "Hose", "pants", "men/bottoms-men/pants-men", bottoms=True),
    Family("MSH", "Short", "Shorts", "shorts", "men/bottoms-men/shorts-men", bottoms=True),
    Family("WJ", "Jacket", "Jacke", "jacket", "women/tops-women/jackets-women"),
    Family("WH", "Hoodie", "Hoodie", "hoodie", "women/tops-women/hoodies-and-sweatshirts-women"),
    Family("WS", "Tee", "T-Shirt", "tee", "women/tops-women/tees-women"),
    Family("WB", "Bra", "Sport-BH", "bra", "women/tops-women/tanks-women"),
    Family("WP", "Pant", "Hose", "pants", "women/bottoms-women/pants-women", bottoms=True),
    Family("WSH", "Short", "Shorts", "shorts", "women/bottoms-women/shorts-women", bottoms=True),
]
SIMPLE_FAMILIES = [
    Family("24-MB", "Backpack", "Rucksack", "backpack", "gear/bags/backpacks", configurable=False),
    Family("24-WB", "Duffle Bag", "Sporttasche", "duffle", "gear/bags/duffles", configurable=False),
    Family("24-UG", "Yoga Mat", "Yogamatte", "mat", "gear/fitness-equipment/yoga-mats", configurable=False),
    Family("24-WG", "Kettlebell", "Kettlebell", "kettlebell", "gear/fitness-equipment/weights", configurable=False),
    Family("24-FB", "Water Bottle", "Trinkflasche", "bottle", "gear/fitness-equipment", configurable=False),
    Family("24-MG", "Watch", "Uhr", "watch", "gear/watches", configurable=False),
    Family("240-LV", "Yoga Video", "Yoga-Video", "video", "training/training-video", configurable=False),
]

FIRST_NAMES = [
    "Montana",
    "Beaumont",
    "Hyperion",
    "Jupiter",
    "Kenobi",
    "Lando",
    "Marco",
    "Orion",
    "Ajax",
    "Atlas",
    "Helios",
    "Zeppelin",
    "Apollo",
    "Cassius",
    "Deion",
    "Argus",
    "Ryker",
    "Typhon",
    "Mars",
    "Proteus",
    "Tristan",
    "Zoltan",
    "Olivia",
    "Juno",
    "Nadia",
    "Riona",
    "Selene",
    "Ingrid",
    "Adrienne",
    "Inez",
    "Jade",
    "Josie",
    "Augusta",
    "Phoebe",
    "Ariel",
    "Gabrielle",
    "Karmen",
    "Neve",
    "Stellar",
    "Echo",
    "Electra",
    "Erika",
    "Fiona",
    "Iris",
    "Minerva",
    "Prima",
    "Sylvia",
    "Zoe",
    "Chaz",
    "Gobi",
    "Aether",
    "Livingston",
    "Caesar",
    "Hollister",
    "Sparta",
    "Rival",
    "Thorpe",
    "Hawkeye",
    "Cronus",
]
MIDDLE_WORDS = [
    ("Wind", "Wind"),
    ("Rain", "Regen"),
    ("Trail", "Trail"),
    ("Running", "Lauf"),
    ("Yoga", "Yoga"),
    ("Cross-Train", "Cross-Training"),
    ("Performance", "Performance"),
    ("Lightweight", "Leicht"),
    ("Elements", "Elements"),
    ("Cozy", "Kuschel"),
    ("Tech", "Tech"),
    ("Compression", "Kompressions"),
    ("Heathered", "Melange"),
    ("Balance", "Balance"),
    ("Summit", "Gipfel"),
    ("Sprint", "Sprint"),
]
FEATURES = [
    "Moisture-wicking fabric keeps you dry.",
    "Flatlock seams prevent chafing.",
    "Reflective details for early-morning runs.",
    "Relaxed fit with room to move.",
    "Machine wash cold, tumble dry low.",
    "Zippered pockets keep essentials secure.",
    "Breathable mesh panels where you need them.",
    "Recycled fibres, same soft hand feel.",
]


def _category_specs() -> list[tuple[int, int | None, int, CategorySpec, str, str]]:
    """Flatten the tree: (id, parent id, position, spec, url_path, path)."""
    rows: list[tuple[int, int | None, int, CategorySpec, str, str]] = []
    next_id = DEFAULT_CATEGORY_ID + 1

    def walk(specs: list[CategorySpec], parent_id: int, parent_url: str, parent_path: str) -> None:
        nonlocal next_id
        for position, spec in enumerate(specs, start=1):
            cid = next_id
            next_id += 1
            url_path = f"{parent_url}/{spec.url_key}" if parent_url else spec.url_key
            path = f"{parent_path}/{cid}"
            rows.append((cid, parent_id, position, spec, url_path, path))
            walk(spec.children, cid, url_path, path)

    walk(CATEGORY_TREE, DEFAULT_CATEGORY_ID, "", f"{ROOT_CATALOG_ID}/{DEFAULT_CATEGORY_ID}")
    return rows


def _bulk(model: type, rows: Iterable[object], progress: Progress | None = None, label: str = "") -> int:
    batch: list[object] = []
    count = 0
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            model.objects.bulk_create(batch)
            count += len(batch)
            batch.clear()
            if progress:
                progress(f"  {label}: {count}")
    if batch:
        model.objects.bulk_create(batch)
        count += len(batch)
    return count


@dataclass
class SeedResult:
    categories: int = 0
    configurables: int = 0
    children: int = 0
    simples: int = 0
    links: int = 0
    rewrites: int = 0
    cms_pages: int = 0
    cms_blocks: int = 0
    seconds: float = 0.0

    @property
    def products(self) -> int:
        return self.configurables + self.children + self.simples

    def summary(self) -> str:
        return (
            f"Seeded {self.products} products ({self.configurables} configurable, {self.children} children, "
            f"{self.simples} simple), {self.categories} categories, {self.links} links, {self.rewrites} URL "
            f"rewrites, {self.cms_pages} CMS pages, {self.cms_blocks} blocks in {self.seconds:.1f}s"
        )


def _clear() -> None:
    for model in (UrlRewrite, ProductLink, ProductCategory, ProductUndo, Product, AttributeOption, Attribute):
        model.objects.all().delete()
    for model in (Category, CmsBlock, CmsPage, Store):
        model.objects.all().delete()


def _seed_stores() -> None:
    Store.objects.bulk_create(
        [
            Store(
                store_id=1,
                code="default",
                name="Default Store View",
                locale="en_US",
                base_currency="USD",
                default_display_currency="USD",
                allowed_currencies="USD,EUR",
                root_category_id=DEFAULT_CATEGORY_ID,
                is_default=True,
                sort_order=0,
            ),
            Store(
                store_id=2,
                code="de",
                name="Deutsch",
                locale="de_DE",
                base_currency="USD",
                default_display_currency="EUR",
                allowed_currencies="EUR,USD",
                root_category_id=DEFAULT_CATEGORY_ID,
                sort_order=1,
            ),
        ]
    )


def _seed_attributes() -> None:
    for position, (aid, code, label, de, kind, swatch, options) in enumerate(ATTRIBUTES):
        Attribute.objects.create(
            attribute_id=aid,
            code=code,
            label=label,
            labels={"de": {"label": de}},
            frontend_input=kind,
            position=position,
            swatch_type=swatch,
        )
        hexes = {o: h for o, _l, _d, h, _k in COLORS}
        AttributeOption.objects.bulk_create(
            [
                AttributeOption(
                    option_id=oid,
                    attribute_id=aid,
                    label=olabel,
                    labels={"de": {"label": ode}},
                    swatch=hexes.get(oid, olabel) if swatch else "",
                    position=pos,
                )
                for pos, (oid, olabel, ode) in enumerate(options)
            ]
        )


def _seed_categories() -> dict[str, Category]:
    root = Category(
        id=ROOT_CATALOG_ID,
        parent_id=None,
        path=str(ROOT_CATALOG_ID),
        level=0,
        name="Root Catalog",
        url_key="root-catalog",
        url_path="",
        include_in_menu=False,
    )
    default = Category(
        id=DEFAULT_CATEGORY_ID,
        parent_id=ROOT_CATALOG_ID,
        path=f"{ROOT_CATALOG_ID}/{DEFAULT_CATEGORY_ID}",
        level=1,
        position=1,
        name="Default Category",
        url_key="default-category",
        url_path="",
        labels={"de": {"name": "Standardkategorie"}},
    )
    rows = [root, default]
    by_path: dict[str, Category] = {}
    for cid, parent_id, position, spec, url_path, path in _category_specs():
        level = path.count("/")
        in_menu = spec.in_menu and not any(not p.in_menu for p in CATEGORY_TREE if url_path.startswith(p.url_key + "/"))
        category = Category(
            id=cid,
            parent_id=parent_id,
            path=path,
            level=level,
            position=position,
            name=spec.name,
            url_key=spec.url_key,
            url_path=url_path,
            description=f"<p>Discover our {spec.name.lower()} — made for moving, built to last.</p>",
            meta_title=f"{spec.name} | Luma",
            meta_description=f"Shop {spec.name.lower()} at Luma: free shipping on orders over $100.",
            meta_keywords=spec.name.lower(),
            include_in_menu=in_menu,
            is_anchor=True,
            image=f"/media/catalog/category/{spec.url_key}.jpg" if level == 2 else "",
            labels={
                "de": {
                    "name": spec.de,
                    "description": f"<p>Entdecken Sie unsere {spec.de} - für Bewegung gemacht.</p>",
                    "meta_title": f"{spec.de} | Luma",
                    "meta_description": f"{spec.de} bei Luma kaufen: kostenloser Versand ab 92 € Bestellwert.",
                }
            },
        )
        rows.append(category)
        by_path[url_path] = category
    Category.objects.bulk_create(rows)
    return by_path


def _price(rng: random.Random) -> Decimal:
    return Decimal(rng.randint(18, 99)) + Decimal(rng.choice(["0.00", "0.00", "0.50", "0.99"]))


def _description(rng: random.Random, name: str) -> str:
    features = rng.sample(FEATURES, 3)
    items = "".join(f"<li>{f}</li>" for f in features)
    return f"<p>The {name} is made for the way you move.</p><ul>{items}</ul>"


def _unique_key(base: str, used: set[str]) -> str:
    key = base
    n = 2
    while key in used:
        key = f"{base}-{n}"
        n += 1
    used.add(key)
    return key


def _slug(text: str) -> str:
    out = "".join(ch.lower() if ch.isalnum() else "-" for ch in text)
    return "-".join(filter(None, out.split("-")))


def _plan_counts(total: int) -> tuple[int, int]:
    """How many configurables and simples give ≈ ``total`` SKUs (≈4.5 children per configurable)."""
    configurables = max(1, round(total * 300 / DEFAULT_PRODUCTS))
    simples = max(1, round(total * 500 / DEFAULT_PRODUCTS))
    return configurables, simples


def seed_catalog(total: int = DEFAULT_PRODUCTS, progress: Progress | None = None) -> SeedResult:
    """Replace the catalog with a deterministic one of ≈ ``total`` SKUs."""
    started = time.perf_counter()
    rng = random.Random(SEED)
    result = SeedResult()
    say = progress or (lambda _msg: None)
    with transaction.atomic():
        _clear()
        _seed_stores()
        _seed_attributes()
        categories = _seed_categories()
        result.categories = len(categories) + 1
        say(f"stores, attributes and {result.categories} categories")
        ancestors = {c.id: [int(x) for x in c.path.split("/")[2:]] for c in categories.values()}
        special_cats = {"men": categories["promotions/men-sale"], "women": categories["promotions/women-sale"]}

        n_conf, n_simple = _plan_counts(total)
        products: list[Product] = []
        assignments: list[tuple[int, int]] = []  # (product id, category id), direct
        visible: list[Product] = []
        used_keys: set[str] = set()
        next_id = 1
        per_family: dict[str, int] = {}

        def family_sku(family: Family) -> str:
            per_family[family.sku_prefix] = per_family.get(family.sku_prefix, 0) + 1
            return f"{family.sku_prefix}{per_family[family.sku_prefix]:02d}"

        def name_for(family: Family, index: int) -> tuple[str, str]:
            if family.sku_prefix == "MJ" and index == 0:
                return "Montana Wind Jacket", "Montana Wind-Jacke"
            first = rng.choice(FIRST_NAMES)
            middle, middle_de = rng.choice(MIDDLE_WORDS)
            return f"{first} {middle} {family.noun}", f"{first} {middle_de}-{family.noun_de}"

        def assign(product: Product, family: Family, on_sale: bool) -> None:
            leaf = categories[family.category_path]
            cats = [leaf.id]
            if on_sale:
                gender = family.category_path.split("/")[0]
                if gender in special_cats:
                    cats.append(special_cats[gender].id)
                cats.append(categories["sale"].id)
            if product.new:
                cats += [categories["what-is-new"].id, categories["collections/yoga-new"].id]
            if product.eco_collection:
                cats.append(categories["collections/eco-friendly"].id)
            if family.noun == "Pant":
                cats.append(categories["promotions/pants-all"].id)
            if family.noun == "Tee":
                cats.append(categories["promotions/tees-all"].id)
            if rng.random() < 0.08:
                cats.append(categories["collections/erin-recommends"].id)
            if rng.random() < 0.1:
                cats.append(categories["collections/performance-fabrics"].id)
            for cid in dict.fromkeys(cats):
                assignments.append((product.id, cid))

        for i in range(n_conf):
            family = CONFIGURABLE_FAMILIES[i % len(CONFIGURABLE_FAMILIES)]
            index = i // len(CONFIGURABLE_FAMILIES)
            sku = family_sku(family)
            name, name_de = name_for(family, index)
            base_price = _price(rng)
            on_sale = rng.random() < 0.15
            special = (base_price * Decimal("0.8")).quantize(Decimal("0.01")) if on_sale else None
            colors = rng.sample(APPAREL_COLORS, rng.choice([1, 2]))
            sizes_all = BOTTOM_SIZES if family.bottoms else TOP_SIZES
            start = rng.randint(0, len(sizes_all) - 3)
            sizes = sizes_all[start : start + 3]
            all_out = rng.random() < 0.02
            materials = ",".join(str(m[0]) for m in sorted(rng.sample(MATERIALS[:10], rng.choice([1, 2]))))
            parent = Product(
                id=next_id,
                sku=sku,
                type_id=Product.CONFIGURABLE,
                name=name,
                labels={"de": {"name": name_de}},
                url_key=_unique_key(_slug(name), used_keys),
                description=_description(rng, name),
                short_description=f"<p>{rng.choice(FEATURES)}</p>",
                meta_title=name,
                meta_description=f"Buy the {name} at Luma.",
                meta_keyword=name.lower(),
                price=base_price,
                special_price=special,
                special_from_date=SPECIAL_FROM if on_sale else None,
                special_to_date=SPECIAL_TO if on_sale else None,
                qty=Decimal(0),
                in_stock=not all_out,
                visibility=Product.VISIBILITY_BOTH,
                position=index,
                material=materials,
                pattern=str(rng.choice(PATTERNS)[0]),
                climate=",".join(str(c[0]) for c in sorted(rng.sample(CLIMATES, 2))),
                eco_collection=1 if rng.random() < 0.15 else 0,
                new=1 if rng.random() < 0.1 else 0,
                configurable_attributes="color,size",
                shape=family.shape,
                image_color=colors[0][4],
                created_at=CREATED_AT + dt.timedelta(minutes=next_id),
            )
            next_id += 1
            products.append(parent)
            visible.append(parent)
            assign(parent, family, on_sale)
            result.configurables += 1
            pricier_xl = rng.random() < 0.1
            for color in colors:
                for size_id, size_label in sizes:
                    out = all_out or rng.random() < 0.06
                    price = base_price + (Decimal(5) if pricier_xl and size_label in ("XL", "36") else 0)
                    child = Product(
                        id=next_id,
                        sku=f"{sku}-{size_label}-{color[1]}",
                        type_id=Product.SIMPLE,
                        name=f"{name}-{size_label}-{color[1]}",
                        labels={"de": {"name": f"{name_de}-{size_label}-{color[2]}"}},
                        url_key=_unique_key(_slug(f"{name}-{size_label}-{color[1]}"), used_keys),
                        description=parent.description,
                        price=price,
                        special_price=special if special is None else special + (price - base_price),
                        special_from_date=parent.special_from_date,
                        special_to_date=parent.special_to_date,
                        qty=Decimal(0) if out else Decimal(rng.choice([2, 3, 25, 100, 100, 100, 250])),
                        in_stock=not out,
                        visibility=Product.VISIBILITY_NOT_VISIBLE,
                        parent_id=parent.id,
                        color=color[0],
                        size=size_id,
                        material=materials,
                        pattern=parent.pattern,
                        climate=parent.climate,
                        eco_collection=parent.eco_collection,
                        new=parent.new,
                        shape=family.shape,
                        image_color=color[4],
                        created_at=parent.created_at,
                    )
                    next_id += 1
                    products.append(child)
                    result.children += 1

        for i in range(n_simple):
            family = SIMPLE_FAMILIES[i % len(SIMPLE_FAMILIES)]
            index = i // len(SIMPLE_FAMILIES)
            sku = family_sku(family)
            name, name_de = name_for(family, index)
            price = _price(rng)
            on_sale = rng.random() < 0.12
            out = rng.random() < 0.06
            color = rng.choice(COLORS)
            product = Product(
                id=next_id,
                sku=sku,
                type_id=Product.SIMPLE,
                name=name,
                labels={"de": {"name": name_de}},
                url_key=_unique_key(_slug(name), used_keys),
                description=_description(rng, name),
                short_description=f"<p>{rng.choice(FEATURES)}</p>",
                meta_title=name,
                meta_description=f"Buy the {name} at Luma.",
                meta_keyword=name.lower(),
                price=price,
                special_price=(price * Decimal("0.85")).quantize(Decimal("0.01")) if on_sale else None,
                special_from_date=SPECIAL_FROM if on_sale else None,
                special_to_date=SPECIAL_TO if on_sale else None,
                qty=Decimal(0) if out else Decimal(rng.choice([1, 3, 40, 100, 100, 500])),
                in_stock=not out,
                visibility=Product.VISIBILITY_BOTH,
                position=index,
                color=color[0],
                material=str(rng.choice(MATERIALS[9:])[0]),
                activity=",".join(str(a[0]) for a in sorted(rng.sample(ACTIVITIES, 2))),
                eco_collection=1 if rng.random() < 0.1 else 0,
                new=1 if rng.random() < 0.1 else 0,
                shape=family.shape,
                image_color=color[4],
                created_at=CREATED_AT + dt.timedelta(minutes=next_id),
            )
            next_id += 1
            products.append(product)
            visible.append(product)
            assign(product, family, on_sale)
            result.simples += 1

        # One description carries markup a sanitiser must strip (exercises the storefront's allow-list).
        if products:
            products[0].description += (
                '<script>alert("xss")</script><p><img src="/media/x.jpg" onerror="alert(1)" alt="x">'
                '<a href="javascript:alert(2)">Size guide</a></p>'
            )
        say(f"built {len(products)} products")
        _bulk(Product, products, say, "products")

        index_rows: list[ProductCategory] = []
        positions: dict[int, int] = {}
        seen: set[tuple[int, int]] = set()
        for pid, cid in assignments:
            for anchor_id in [cid, *reversed(ancestors.get(cid, [])[:-1])]:
                key = (pid, anchor_id)
                if key in seen:
                    continue
                seen.add(key)
                positions[anchor_id] = positions.get(anchor_id, 0) + 1
                index_rows.append(
                    ProductCategory(
                        product_id=pid, category_id=anchor_id, position=positions[anchor_id], direct=anchor_id == cid
                    )
                )
        _bulk(ProductCategory, index_rows, say, "category index")

        result.links = _bulk(ProductLink, _links(rng, visible, assignments), say, "links")
        result.cms_pages, result.cms_blocks = _seed_cms()
        result.rewrites = _bulk(UrlRewrite, _rewrites(categories, visible), say, "url rewrites")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA optimize")
    result.seconds = time.perf_counter() - started
    return result


def _links(rng: random.Random, visible: list[Product], assignments: list[tuple[int, int]]) -> Iterable[ProductLink]:
    leaf_of: dict[int, int] = {}
    for pid, cid in assignments:
        leaf_of.setdefault(pid, cid)
    by_leaf: dict[int, list[Product]] = {}
    for product in visible:
        by_leaf.setdefault(leaf_of[product.id], []).append(product)
    gear = [p for p in visible if p.type_id == Product.SIMPLE]
    for product in visible:
        # Sample a few more than needed and drop the product itself: building the full peer list per
        # product would be quadratic for a 50,000-product catalog.
        group = by_leaf[leaf_of[product.id]]
        peers = [p for p in rng.sample(group, min(8, len(group))) if p.id != product.id]
        for pos, other in enumerate(peers[:4]):
            yield ProductLink(product_id=product.id, linked_id=other.id, link_type=ProductLink.RELATED, position=pos)
        pricier = [p for p in peers if p.price > product.price]
        for pos, other in enumerate(pricier[:2]):
            yield ProductLink(product_id=product.id, linked_id=other.id, link_type=ProductLink.UPSELL, position=pos)
        if product.type_id == Product.CONFIGURABLE and gear:
            for pos, other in enumerate(rng.sample(gear, min(2, len(gear)))):
                yield ProductLink(
                    product_id=product.id, linked_id=other.id, link_type=ProductLink.CROSSSELL, position=pos
                )


HOME_EN = (
    '<div class="hero"><h2>New Luma Yoga Collection</h2><p>Get fit and look fab in new seasonal styles.</p>'
    '<p><a href="/collections/yoga-new.html">Shop New Yoga</a></p></div>'
    '<div class="blocks"><a href="/women.html">Women</a> <a href="/men.html">Men</a> '
    '<a href="/gear.html">Gear</a></div>'
)
HOME_DE = (
    '<div class="hero"><h2>Neue Luma Yoga-Kollektion</h2><p>Fit werden und gut aussehen mit neuen Styles.</p>'
    '<p><a href="/collections/yoga-new.html">Jetzt Yoga entdecken</a></p></div>'
)
PAGES = [
    # (page id, identifier, store, title, heading, content)
    (
        1,
        "no-route",
        "",
        "404 Not Found",
        "Whoops, our bad...",
        "<dl><dt>The page you requested was not found, and we have a fine guess why.</dt>"
        "<dd><ul><li>If you typed the URL directly, please make sure the spelling is correct.</li></ul></dd></dl>",
    ),
    (2, "home", "", "Home Page", "", HOME_EN),
    (
        3,
        "about-us",
        "",
        "About us",
        "About us",
        "<p>Luma is a sportswear brand for people who move. We design clothing and gear for yoga, running "
        "and everything in between.</p><p>Founded in 2015, we ship to customers in 40 countries.</p>",
    ),
    (
        4,
        "customer-service",
        "",
        "Customer Service",
        "Customer Service",
        "<h3>Shipping</h3><p>Orders ship within two business days.</p><h3>Returns</h3>"
        "<p>Return unworn items within 30 days for a full refund.</p>",
    ),
    (
        5,
        "no-route",
        "de",
        "404 Seite nicht gefunden",
        "Hoppla, da ist etwas schiefgelaufen …",
        "<p>Die angeforderte Seite wurde nicht gefunden.</p>",
    ),
    (6, "home", "de", "Startseite", "", HOME_DE),
    (7, "about-us", "de", "Über uns", "Über uns", "<p>Luma ist eine Sportmarke für Menschen, die sich bewegen.</p>"),
    (
        8,
        "customer-service",
        "de",
        "Kundenservice",
        "Kundenservice",
        "<h3>Versand</h3><p>Bestellungen verlassen unser Lager innerhalb von zwei Werktagen.</p>",
    ),
]
BLOCKS = [
    (
        1,
        "footer-links",
        "",
        "Footer Links",
        '<ul class="footer links"><li><a href="/about-us">About us</a></li>'
        '<li><a href="/customer-service">Customer Service</a></li></ul>',
    ),
    (2, "site-notice", "", "Site Notice", "<p><strong>Free shipping</strong> on orders over $100.</p>"),
    (
        3,
        "footer-links",
        "de",
        "Footer-Links",
        '<ul class="footer links"><li><a href="/about-us">Über uns</a></li>'
        '<li><a href="/customer-service">Kundenservice</a></li></ul>',
    ),
    (4, "site-notice", "de", "Hinweis", "<p><strong>Kostenloser Versand</strong> ab 92 € Bestellwert.</p>"),
]


def _seed_cms() -> tuple[int, int]:
    CmsPage.objects.bulk_create(
        [
            CmsPage(
                page_id=pid,
                identifier=ident,
                store_code=store,
                title=title,
                content_heading=heading,
                content=content,
                meta_title=title,
                meta_description=f"{title} - Luma",
                page_layout="1column",
            )
            for pid, ident, store, title, heading, content in PAGES
        ]
    )
    CmsBlock.objects.bulk_create(
        [
            CmsBlock(block_id=bid, identifier=ident, store_code=store, title=title, content=content)
            for bid, ident, store, title, content in BLOCKS
        ]
    )
    return len(PAGES), len(BLOCKS)


REDIRECTS = [
    # (request path, target path, code): old URLs a merchant renamed
    ("montana-jacket.html", "montana-wind-jacket.html", 301),
    ("men/tops-men/jackets.html", "men/tops-men/jackets-men.html", 301),
    ("summer-sale.html", "sale.html", 302),
    ("about.html", "about-us", 301),
]


def _rewrites(categories: dict[str, Category], visible: list[Product]) -> Iterable[UrlRewrite]:
    by_request: dict[str, tuple[str, int]] = {}
    for store in ("default", "de"):
        for category in categories.values():
            request = f"{category.url_path}.html"
            by_request[request] = (UrlRewrite.CATEGORY, category.id)
            yield UrlRewrite(
                store_code=store,
                request_path=request,
                target_path=f"catalog/category/view/id/{category.id}",
                entity_type=UrlRewrite.CATEGORY,
                entity_id=category.id,
            )
        for product in visible:
            request = f"{product.url_key}.html"
            by_request[request] = (UrlRewrite.PRODUCT, product.id)
            yield UrlRewrite(
                store_code=store,
                request_path=request,
                target_path=f"catalog/product/view/id/{product.id}",
                entity_type=UrlRewrite.PRODUCT,
                entity_id=product.id,
            )
        for pid, ident, page_store, *_rest in PAGES:
            if page_store in ("", store) and not (page_store == "" and _has_store_page(ident, store)):
                by_request[ident] = (UrlRewrite.CMS_PAGE, pid)
                yield UrlRewrite(
                    store_code=store,
                    request_path=ident,
                    target_path=f"cms/page/view/page_id/{pid}",
                    entity_type=UrlRewrite.CMS_PAGE,
                    entity_id=pid,
                )
        for request, target, code in REDIRECTS:
            entity_type, entity_id = by_request.get(target, (UrlRewrite.CUSTOM, 0))
            yield UrlRewrite(
                store_code=store,
                request_path=request,
                target_path=target,
                entity_type=entity_type,
                entity_id=entity_id,
                redirect_type=code,
            )


def _has_store_page(identifier: str, store: str) -> bool:
    return any(ident == identifier and page_store == store for _p, ident, page_store, *_r in PAGES)
