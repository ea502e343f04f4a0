/// One department of the demo shop: how its products are named and priced.
struct DemoCategory: Sendable {
    /// The category as it appears in `Product.category` and event properties (`apparel`).
    var name: String
    /// Title for pages (`Apparel`).
    var title: String
    /// How many products the catalog carries in it.
    var size: Int
    /// Median price in dollars and log-normal shape of the prices.
    var medianPrice: Double
    var priceSigma: Double
    /// The largest quantity a customer puts in the cart at once (groceries come by several).
    var maxQuantity: Int
    /// How much of the shop's traffic the category draws, before customers' interests.
    var affinity: Double
    var brands: [String]
    var adjectives: [String]
    var nouns: [String]

    /// The shop's ten departments. Sizes add up to 300 products.
    static let all: [DemoCategory] = [
        DemoCategory(
            name: "apparel",
            title: "Apparel",
            size: 44,
            medianPrice: 38,
            priceSigma: 0.55,
            maxQuantity: 2,
            affinity: 1.4,
            brands: ["Northwind", "Alder & Co", "Harbor Lane", "Kestrel"],
            adjectives: ["Organic Cotton", "Merino Wool", "Linen", "Relaxed", "Slim-Fit", "Recycled", "Heavyweight", "Striped"],
            nouns: ["Crew T-Shirt", "Hoodie", "Chinos", "Rain Jacket", "Oxford Shirt", "Wrap Dress", "Cardigan", "Joggers", "Denim Jacket"]
        ),
        DemoCategory(
            name: "shoes",
            title: "Shoes",
            size: 28,
            medianPrice: 85,
            priceSigma: 0.45,
            maxQuantity: 1,
            affinity: 0.8,
            brands: ["Stride", "Fernwood", "Pace Lab"],
            adjectives: ["Leather", "Suede", "Lightweight", "Waterproof", "Classic", "Trail"],
            nouns: ["Sneakers", "Chelsea Boots", "Loafers", "Running Shoes", "Sandals", "Hiking Boots"]
        ),
        DemoCategory(
            name: "home",
            title: "Home",
            size: 36,
            medianPrice: 42,
            priceSigma: 0.7,
            maxQuantity: 2,
            affinity: 1.0,
            brands: ["Hearth", "Mossgrove", "Linden House"],
            adjectives: ["Stoneware", "Linen", "Ceramic", "Oak", "Woven", "Velvet", "Glass"],
            nouns: ["Dinner Plates", "Throw Blanket", "Table Lamp", "Cushion Cover", "Serving Bowl", "Wall Mirror", "Candle Set", "Duvet Cover"]
        ),
        DemoCategory(
            name: "beauty",
            title: "Beauty",
            size: 30,
            medianPrice: 24,
            priceSigma: 0.5,
            maxQuantity: 3,
            affinity: 1.0,
            brands: ["Lumen", "Petal & Pine", "Dewline"],
            adjectives: ["Hydrating", "Vitamin C", "Gentle", "Overnight", "Mineral", "Rose"],
            nouns: ["Face Serum", "Cleanser", "Moisturizer", "Lip Balm", "Sunscreen SPF 50", "Hand Cream", "Shampoo"]
        ),
        DemoCategory(
            name: "electronics",
            title: "Electronics",
            size: 30,
            medianPrice: 110,
            priceSigma: 0.85,
            maxQuantity: 1,
            affinity: 0.8,
            brands: ["Voltic", "Auralis", "Brightside"],
            adjectives: ["Wireless", "Noise-Cancelling", "Compact", "Smart", "Portable", "4K"],
            nouns: ["Headphones", "Bluetooth Speaker", "Fitness Tracker", "Power Bank", "Webcam", "E-Reader", "Desk Lamp", "Earbuds"]
        ),
        DemoCategory(
            name: "books",
            title: "Books",
            size: 30,
            medianPrice: 17,
            priceSigma: 0.3,
            maxQuantity: 2,
            affinity: 0.9,
            brands: ["Quill Press", "Meridian Books", "Lantern House"],
            adjectives: ["The Quiet", "A Field Guide to", "The Art of", "Notes on", "The Last", "Everyday"],
            nouns: ["Garden", "Cooking", "Mountains", "Habits", "Stars", "Coastline", "Bread", "Cities"]
        ),
        DemoCategory(
            name: "toys",
            title: "Toys",
            size: 26,
            medianPrice: 26,
            priceSigma: 0.55,
            maxQuantity: 2,
            affinity: 0.6,
            brands: ["Tumble", "Bright Owl", "Pinwheel"],
            adjectives: ["Wooden", "Magnetic", "Plush", "Build-Your-Own", "Glow-in-the-Dark"],
            nouns: ["Train Set", "Puzzle", "Building Blocks", "Bunny", "Science Kit", "Board Game", "Kite"]
        ),
        DemoCategory(
            name: "sports",
            title: "Sports",
            size: 30,
            medianPrice: 48,
            priceSigma: 0.65,
            maxQuantity: 2,
            affinity: 0.8,
            brands: ["Summit", "Tidewater", "Core Athletics"],
            adjectives: ["Non-Slip", "Insulated", "Adjustable", "Ultralight", "Pro"],
            nouns: ["Yoga Mat", "Water Bottle", "Dumbbells", "Daypack", "Cycling Gloves", "Jump Rope", "Tennis Racket", "Foam Roller"]
        ),
        DemoCategory(
            name: "garden",
            title: "Garden",
            size: 22,
            medianPrice: 32,
            priceSigma: 0.6,
            maxQuantity: 3,
            affinity: 0.5,
            brands: ["Greenhand", "Fieldstone"],
            adjectives: ["Terracotta", "Heirloom", "Stainless", "Self-Watering", "Folding"],
            nouns: ["Planter", "Seed Collection", "Pruning Shears", "Watering Can", "Garden Kneeler", "Herb Kit"]
        ),
        DemoCategory(
            name: "grocery",
            title: "Grocery",
            size: 24,
            medianPrice: 9,
            priceSigma: 0.5,
            maxQuantity: 4,
            affinity: 0.9,
            brands: ["Good Harvest", "Roastery 9", "Pantry Co"],
            adjectives: ["Organic", "Single-Origin", "Cold-Pressed", "Stone-Ground", "Wildflower"],
            nouns: ["Coffee Beans", "Olive Oil", "Granola", "Honey", "Green Tea", "Dark Chocolate", "Pasta"]
        ),
    ]
}
