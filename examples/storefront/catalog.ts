/**
 * The simulated backend services of the demo storefront: thirty JSON services, each with a
 * latency drawn once from a fixed-seed lognormal. A few are slower by design (the
 * recommendation engine, the reviews, the social feed), one always fails (the ad server), and
 * some take an input that only another service's answer provides (recommendations need the user's
 * id, shipping needs the cart's total): those answer 400 without it.
 */
import { lognormal, mulberry32 } from './random.ts';

/** One simulated service. */
export interface Service {
  /** Its route is `/api/<name>`. */
  readonly name: string;
  /** Multiplies the drawn latency: the slow services of the demo. @default 1 */
  readonly slowdown?: number;
  /** Always answers 503 after its latency. @default false */
  readonly fails?: boolean;
  /** Query parameters it cannot answer without (400 when one is missing). @default [] */
  readonly requires?: readonly string[];
  /** The JSON body for a request with this query. */
  body(query: URLSearchParams): unknown;
}

export interface User {
  readonly id: number;
  readonly name: string;
  readonly tier: string;
}

export interface CartItem {
  readonly sku: string;
  readonly name: string;
  readonly quantity: number;
  readonly price: number;
}

export interface Cart {
  readonly items: readonly CartItem[];
  readonly total: number;
}

export interface Product {
  readonly sku: string;
  readonly name: string;
  readonly price: number;
}

export interface Wishlist {
  readonly items: readonly Product[];
}

const USER: User = { id: 42, name: 'Ada Lovelace', tier: 'gold' };

const CART: Cart = {
  items: [
    { sku: 'BK-1843', name: 'Notes on the Analytical Engine', quantity: 1, price: 24 },
    { sku: 'PN-0007', name: 'Fountain pen', quantity: 2, price: 18.5 },
    { sku: 'LM-0210', name: 'Brass desk lamp', quantity: 1, price: 64 },
  ],
  total: 125,
};

const PRODUCTS: readonly Product[] = [
  { sku: 'BK-1837', name: 'Difference Engine No. 2 kit', price: 129 },
  { sku: 'BK-1864', name: 'Passages from the Life of a Philosopher', price: 21 },
  { sku: 'MP-0003', name: 'Punched-card notebook', price: 9.5 },
  { sku: 'GL-0451', name: 'Magnifying glass', price: 15 },
  { sku: 'CL-1822', name: 'Orrery desk clock', price: 88 },
  { sku: 'IN-0042', name: 'Walnut ink set', price: 27 },
];

const product = (index: number): Product => PRODUCTS[index % PRODUCTS.length] as Product;
const products = (...indexes: number[]): Product[] => indexes.map(product);

/** Every service of the demo, in the order the page shows their sections. */
export const SERVICES: readonly Service[] = [
  {
    name: 'header',
    body: () => ({
      brand: 'Analytical Goods',
      nav: ['Books', 'Stationery', 'Instruments', 'Gifts', 'Sale'],
    }),
  },
  {
    name: 'search',
    body: () => ({ placeholder: 'Search 12,000 products', popular: ['ink', 'orrery', 'gears'] }),
  },
  { name: 'user', body: () => USER },
  { name: 'cart', requires: ['user'], body: () => CART },
  {
    name: 'shipping',
    requires: ['total'],
    body: (query) => {
      const total = Number(query.get('total'));
      return { free: total >= 50, days: 2, carrier: 'Royal Mail', cost: total >= 50 ? 0 : 4.95 };
    },
  },
  {
    name: 'inventory',
    requires: ['sku'],
    body: (query) => ({
      stock: query.getAll('sku').map((sku, index) => ({ sku, available: 12 - index * 5 })),
    }),
  },
  {
    name: 'recommendations',
    slowdown: 3,
    requires: ['user'],
    body: () => ({ items: products(0, 1, 4, 5) }),
  },
  { name: 'recently-viewed', requires: ['user'], body: () => ({ items: products(2, 3) }) },
  {
    name: 'orders',
    requires: ['user'],
    body: () => ({
      orders: [
        { id: 'A-1001', status: 'delivered', total: 42.5 },
        { id: 'A-1017', status: 'on its way', total: 18 },
      ],
    }),
  },
  { name: 'loyalty', requires: ['user'], body: () => ({ points: 1_250, nextReward: 250 }) },
  { name: 'wishlist', requires: ['user'], body: () => ({ items: products(4, 0) }) },
  {
    name: 'price-drops',
    requires: ['sku'],
    body: (query) => ({ drops: query.getAll('sku').map((sku) => ({ sku, percent: 15 })) }),
  },
  {
    name: 'deals',
    body: () => ({ items: products(1, 3, 5).map((item) => ({ ...item, was: item.price + 6 })) }),
  },
  { name: 'flash-sale', body: () => ({ item: product(4), percent: 30, endsInMinutes: 47 }) },
  {
    name: 'reviews',
    slowdown: 3,
    body: () => ({
      reviews: [
        { stars: 5, text: 'The orrery keeps better time than my watch.', author: 'Charles' },
        { stars: 4, text: 'Lovely ink, slow delivery.', author: 'Mary' },
      ],
    }),
  },
  { name: 'bestsellers', body: () => ({ items: products(0, 2, 5) }) },
  { name: 'new-arrivals', body: () => ({ items: products(3, 4) }) },
  {
    name: 'categories',
    body: () => ({ categories: ['Books', 'Pens & ink', 'Clocks', 'Lamps', 'Kits'] }),
  },
  { name: 'brands', body: () => ({ brands: ['Babbage & Co', 'Jacquard', 'Somerville'] }) },
  { name: 'ads', fails: true, body: () => ({ creative: 'never served' }) },
  { name: 'weather', body: () => ({ city: 'London', celsius: 11, sky: 'drizzle' }) },
  { name: 'stores', body: () => ({ nearest: 'Marylebone', open: '09:00–18:00', km: 1.2 }) },
  {
    name: 'blog',
    body: () => ({ posts: ['Caring for a fountain pen', 'A short history of punched cards'] }),
  },
  { name: 'gift-cards', body: () => ({ amounts: [10, 25, 50, 100] }) },
  { name: 'newsletter', body: () => ({ pitch: 'One letter a month, no tracking pixels.' }) },
  { name: 'currency', body: () => ({ base: 'GBP', rates: { EUR: 1.17, USD: 1.27 } }) },
  { name: 'trending', body: () => ({ tags: ['#orrery', '#inkswatch', '#deskgoals'] }) },
  {
    name: 'social',
    slowdown: 6,
    body: () => ({ posts: [{ author: '@ada', text: 'New lamp, new notes.' }] }),
  },
  { name: 'support', body: () => ({ chat: 'online', waitMinutes: 2 }) },
  {
    name: 'footer',
    body: () => ({ links: ['About', 'Careers', 'Privacy', 'Returns'], year: 2026 }),
  },
];

/** How the latencies are drawn. */
export interface LatencyOptions {
  /** Seed of the generator: the same seed gives the same latencies. @default 7 */
  seed?: number;
  /** Median latency of a typical service, in ms. @default 50 */
  median?: number;
  /** σ of the lognormal. @default 0.5 */
  sigma?: number;
  /** Multiplies every latency (tests use a small scale to run fast). @default 1 */
  scale?: number;
}

const LATENCY_DEFAULTS: Required<LatencyOptions> = { seed: 7, median: 50, sigma: 0.5, scale: 1 };

/** Each service's latency in ms, drawn in catalog order from the seeded lognormal. */
export function drawLatencies(options: LatencyOptions = {}): Map<string, number> {
  const { seed, median, sigma, scale } = { ...LATENCY_DEFAULTS, ...options };
  if (!(scale >= 0 && Number.isFinite(scale))) {
    throw new RangeError(`Expected \`scale\` to be a finite number >= 0, got ${scale}`);
  }
  const random = mulberry32(seed);
  const latencies = new Map<string, number>();
  for (const service of SERVICES) {
    const drawn = lognormal(random, { median, sigma }) * (service.slowdown ?? 1);
    latencies.set(service.name, Math.round(drawn * scale * 10) / 10);
  }
  return latencies;
}
