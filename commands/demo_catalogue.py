"""What the demo shop sells: realistic names and descriptions, with accents,
plurals and multi-word names, so search in the demo behaves like a real shop's.

Plain data and pure functions (no Django): `seeding.py` builds products from it,
and bench/relevance_bench.py labels its queries against it.
"""

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Item:
    """One kind of product; the demo sells it in several variants."""

    key: str
    department: str  # a root category word of seeding.ROOT_WORDS
    name: str
    description: str


ITEMS: tuple[Item, ...] = (
    Item(
        "torch",
        "Home",
        "Crème brûlée torch",
        "Butane kitchen blowtorch for caramelising sugar on desserts.",
    ),
    Item(
        "cafe-bowls",
        "Home",
        "Café au lait bowls",
        "Set of four stoneware bowls for coffee and cereal.",
    ),
    Item("crepe-pan", "Home", "Crêpe pan", "Non-stick pan for thin French pancakes."),
    Item(
        "espresso",
        "Home",
        "Espresso machine",
        "Pump espresso maker with a milk frother.",
    ),
    Item(
        "skillet",
        "Home",
        "Cast iron skillet",
        "Pre-seasoned frying pan that goes from hob to oven.",
    ),
    Item(
        "knife",
        "Home",
        "Chef's knife",
        "Forged steel kitchen knife with a 20 cm blade.",
    ),
    Item("sofa", "Home", "Velvet sofa", "Three-seat sofa with deep cushions."),
    Item(
        "blanket",
        "Home",
        "Wool throw blanket",
        "Warm knitted throw for the living room.",
    ),
    Item(
        "fondue",
        "Home",
        "Fondue set",
        "Cheese and chocolate fondue pot with six forks.",
    ),
    Item(
        "shoes",
        "Sports",
        "Running shoes for trails",
        "Lightweight shoes with grippy soles for muddy paths.",
    ),
    Item("yoga-mat", "Sports", "Yoga mat", "Non-slip exercise mat, 6 mm thick."),
    Item(
        "dumbbells",
        "Sports",
        "Adjustable dumbbells",
        "Pair of weights from 2 to 24 kg.",
    ),
    Item(
        "helmet",
        "Sports",
        "Cycling helmet",
        "Ventilated helmet for road and mountain bikes.",
    ),
    Item(
        "rackets", "Sports", "Tennis rackets", "Two graphite rackets with a carry bag."
    ),
    Item("tent", "Sports", "Camping tent", "Waterproof dome tent for four people."),
    Item(
        "backpack",
        "Sports",
        "Hiking backpack",
        "35 litre pack with a rain cover and hip belt.",
    ),
    Item(
        "gloves",
        "Sports",
        "Ski gloves",
        "Insulated waterproof gloves for winter sports.",
    ),
    Item(
        "headphones",
        "Electronics",
        "Wireless headphones",
        "Over-ear Bluetooth headphones with noise cancelling.",
    ),
    Item(
        "speaker",
        "Electronics",
        "Bluetooth speaker",
        "Portable waterproof speaker with a 12 hour battery.",
    ),
    Item(
        "charger", "Electronics", "Smartphone charger", "Fast USB-C wall charger, 30 W."
    ),
    Item(
        "tv-mount",
        "Electronics",
        "Television wall mount",
        "Tilting bracket for 32 to 65 inch screens.",
    ),
    Item(
        "laptop-sleeve",
        "Electronics",
        "Laptop sleeve",
        "Padded neoprene sleeve for 14 inch computers.",
    ),
    Item("hose", "Garden", "Garden hose", "Expandable 30 m hose with a spray nozzle."),
    Item(
        "shears",
        "Garden",
        "Pruning shears",
        "Bypass secateurs for branches up to 2 cm.",
    ),
    Item(
        "pots",
        "Garden",
        "Terracotta flower pots",
        "Three hand-thrown clay pots with saucers.",
    ),
    Item("feeder", "Garden", "Bird feeder", "Hanging feeder for seeds and nuts."),
    Item(
        "lights",
        "Garden",
        "Solar garden lights",
        "Eight stake lights that charge by day.",
    ),
    Item(
        "blocks",
        "Toys",
        "Wooden building blocks",
        "Fifty beech blocks in bright colours.",
    ),
    Item(
        "puzzle", "Toys", "Jigsaw puzzle", "1000 pieces: the lakes of Zürich at dusk."
    ),
    Item(
        "pinata",
        "Toys",
        "Piñata party kit",
        "Star-shaped piñata with a stick and blindfold.",
    ),
    Item("teddy", "Toys", "Plush teddy bear", "Soft bear, 40 cm, machine washable."),
    Item(
        "cookbook",
        "Books",
        "Pâtisserie cookbook",
        "Classic French pastries explained step by step.",
    ),
    Item(
        "guide",
        "Books",
        "Travel guide to Zürich",
        "Walks, museums and cafés of the old town.",
    ),
    Item(
        "picture-book",
        "Books",
        "Children's picture books",
        "Bedtime stories for ages three to six.",
    ),
    Item("jacket", "Fashion", "Leather jacket", "Biker jacket in soft lambskin."),
    Item("sweater", "Fashion", "Wool sweater", "Merino crew-neck knit."),
    Item("tshirts", "Fashion", "Cotton t-shirts", "Three organic cotton tees."),
    Item("trousers", "Fashion", "Chino trousers", "Slim-fit stretch chinos."),
    Item("boots", "Fashion", "Rain boots", "Rubber wellies for wet days."),
    Item(
        "sunglasses",
        "Fashion",
        "Polarised sunglasses",
        "UV400 lenses in a tortoiseshell frame.",
    ),
    Item(
        "face-cream",
        "Beauty",
        "Crème hydratante face cream",
        "Daily moisturiser with shea butter.",
    ),
    Item(
        "shampoo",
        "Beauty",
        "Shampoo for curly hair",
        "Sulphate-free shampoo with argan oil.",
    ),
    Item(
        "toothbrush",
        "Beauty",
        "Electric toothbrush",
        "Rechargeable brush with two heads.",
    ),
    Item("hot-sauce", "Grocery", "Jalapeño hot sauce", "Smoky green chilli sauce."),
    Item(
        "chocolate",
        "Grocery",
        "Dark chocolate bars",
        "Five bars of 70% cocoa chocolate.",
    ),
    Item(
        "matcha",
        "Grocery",
        "Matcha green tea",
        "Ceremonial grade powdered tea from Uji.",
    ),
    Item(
        "acai", "Grocery", "Açaí berry powder", "Freeze-dried superfruit for smoothies."
    ),
    Item("beans", "Grocery", "Espresso coffee beans", "Dark roast, 1 kg bag."),
    Item(
        "wipers", "Automotive", "Windshield wipers", "Pair of all-season wiper blades."
    ),
    Item(
        "gauge",
        "Automotive",
        "Tyre pressure gauge",
        "Digital gauge with a backlit display.",
    ),
    Item(
        "phone-holder",
        "Automotive",
        "Car phone holder",
        "Magnetic vent mount for smartphones.",
    ),
)

VARIANTS = ("Black", "White", "Red", "Blue", "Green", "Large", "Compact", "Deluxe")


def demo_product(index: int, rng: random.Random) -> tuple[Item, str, str]:
    """The item, name and description of demo product number `index`."""
    item = ITEMS[index % len(ITEMS)]
    variant = rng.choice(VARIANTS)
    name = item.name if index < len(ITEMS) else f"{item.name} ({variant})"
    return item, name, f"{item.description} Variant: {variant.lower()}."
