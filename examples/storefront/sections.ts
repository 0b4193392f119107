/**
 * The storefront's sections, one per simulated service: what each asks for (and from which other
 * section's answer), how it renders that answer, and what it shows when the answer is late or
 * failed.
 */

import { type HTML, html } from '../../src/index.ts';
import type { Cart, Product, User, Wishlist } from './catalog.ts';

/** The answers other sections' requests are built from. */
export interface Inputs {
  readonly user: User;
  readonly cart: Cart;
  readonly wishlist: Wishlist;
}

/** Reads the answer of a section this one needs. */
export type Input = <K extends keyof Inputs>(name: K) => Inputs[K];

/** One section of the page. */
export interface StoreSection {
  /** Also the name of the service it calls, `/api/<name>`. */
  readonly name: string;
  readonly title: string;
  /** Sections whose answers its request needs (it starts when they have answered). */
  readonly needs: readonly (keyof Inputs)[];
  /** Whether it spans the page's width (header, search, footer). */
  readonly wide: boolean;
  /** The query of its request, built from the answers it needs. */
  query(input: Input): Record<string, string | number | string[]> | undefined;
  /** Its content from the service's answer. */
  render(data: unknown): HTML;
  /** What it shows when its answer (or one it needs) is late or failed. */
  readonly fallback: HTML;
}

interface Definition<T> {
  readonly name: string;
  readonly title: string;
  readonly needs?: readonly (keyof Inputs)[];
  readonly wide?: boolean;
  query?(input: Input): Record<string, string | number | string[]>;
  render(data: T): HTML;
  readonly fallback?: HTML;
}

/** A section whose service answers `T` (our own simulated services: the shape is known). */
function section<T>(definition: Definition<T>): StoreSection {
  return {
    name: definition.name,
    title: definition.title,
    needs: definition.needs ?? [],
    wide: definition.wide ?? false,
    query: (input) => definition.query?.(input),
    render: (data) => definition.render(data as T),
    fallback: definition.fallback ?? html`<p class="muted">Not available right now.</p>`,
  };
}

const money = (amount: number) => `£${amount.toFixed(2)}`;
const productList = (items: readonly Product[]) =>
  html`<ul>${items.map((item) => html`<li>${item.name} <b>${money(item.price)}</b></li>`)}</ul>`;
const list = (items: readonly string[]) =>
  html`<ul>${items.map((item) => html`<li>${item}</li>`)}</ul>`;
const forUser = (input: Input) => ({ user: input('user').id });

/** Every section, in page order; a section comes after the sections it needs. */
export const SECTIONS: readonly StoreSection[] = [
  section<{ brand: string; nav: string[] }>({
    name: 'header',
    title: 'Header',
    wide: true,
    render: ({ brand, nav }) =>
      html`<strong class="brand">${brand}</strong> <nav>${nav.map((item) => html`<a href="#">${item}</a> `)}</nav>`,
    fallback: html`<strong class="brand">Analytical Goods</strong>`,
  }),
  section<{ placeholder: string; popular: string[] }>({
    name: 'search',
    title: 'Search',
    wide: true,
    render: ({ placeholder, popular }) =>
      html`<input type="search" aria-label="Search" placeholder="${placeholder}"> <span class="muted">Popular: ${popular.join(', ')}</span>`,
    fallback: html`<input type="search" aria-label="Search" placeholder="Search">`,
  }),
  section<User>({
    name: 'user',
    title: 'Your account',
    render: ({ name, tier }) => html`<p>Welcome back, <b>${name}</b> (${tier} member)</p>`,
    fallback: html`<p><a href="#">Sign in</a></p>`,
  }),
  section<Cart>({
    name: 'cart',
    title: 'Cart',
    needs: ['user'],
    query: forUser,
    render: ({ items, total }) =>
      html`<ul>${items.map((item) => html`<li>${item.quantity} × ${item.name}</li>`)}</ul><p>Total <b>${money(total)}</b></p>`,
    fallback: html`<p><a href="#">View your cart</a></p>`,
  }),
  section<{ free: boolean; days: number; carrier: string; cost: number }>({
    name: 'shipping',
    title: 'Shipping estimate',
    needs: ['cart'],
    query: (input) => ({ total: input('cart').total }),
    render: ({ free, days, carrier, cost }) =>
      html`<p>${carrier}, ${days} days: <b>${free ? 'free' : money(cost)}</b></p>`,
  }),
  section<{ stock: { sku: string; available: number }[] }>({
    name: 'inventory',
    title: 'Stock for your cart',
    needs: ['cart'],
    query: (input) => ({ sku: input('cart').items.map((item) => item.sku) }),
    render: ({ stock }) =>
      list(
        stock.map(
          ({ sku, available }) => `${sku}: ${available > 0 ? `${available} left` : 'sold out'}`,
        ),
      ),
  }),
  section<{ items: Product[] }>({
    name: 'recommendations',
    title: 'Recommended for you',
    needs: ['user'],
    query: forUser,
    render: ({ items }) => productList(items),
    fallback: html`<p class="muted">Browse our <a href="#">bestsellers</a>.</p>`,
  }),
  section<{ items: Product[] }>({
    name: 'recently-viewed',
    title: 'Recently viewed',
    needs: ['user'],
    query: forUser,
    render: ({ items }) => productList(items),
  }),
  section<{ orders: { id: string; status: string; total: number }[] }>({
    name: 'orders',
    title: 'Your orders',
    needs: ['user'],
    query: forUser,
    render: ({ orders }) =>
      list(orders.map(({ id, status, total }) => `${id} (${money(total)}): ${status}`)),
  }),
  section<{ points: number; nextReward: number }>({
    name: 'loyalty',
    title: 'Loyalty points',
    needs: ['user'],
    query: forUser,
    render: ({ points, nextReward }) =>
      html`<p><b>${points.toLocaleString('en-GB')}</b> points; ${nextReward} to your next reward</p>`,
  }),
  section<Wishlist>({
    name: 'wishlist',
    title: 'Wishlist',
    needs: ['user'],
    query: forUser,
    render: ({ items }) => productList(items),
  }),
  section<{ drops: { sku: string; percent: number }[] }>({
    name: 'price-drops',
    title: 'Price drops on your wishlist',
    needs: ['wishlist'],
    query: (input) => ({ sku: input('wishlist').items.map((item) => item.sku) }),
    render: ({ drops }) => list(drops.map(({ sku, percent }) => `${sku}: ${percent}% off`)),
  }),
  section<{ items: (Product & { was: number })[] }>({
    name: 'deals',
    title: 'Deals',
    render: ({ items }) =>
      html`<ul>${items.map((item) => html`<li>${item.name} <s>${money(item.was)}</s> <b>${money(item.price)}</b></li>`)}</ul>`,
  }),
  section<{ item: Product; percent: number; endsInMinutes: number }>({
    name: 'flash-sale',
    title: 'Flash sale',
    render: ({ item, percent, endsInMinutes }) =>
      html`<p>${percent}% off <b>${item.name}</b>, ends in ${endsInMinutes} min</p>`,
  }),
  section<{ reviews: { stars: number; text: string; author: string }[] }>({
    name: 'reviews',
    title: 'Reviews',
    render: ({ reviews }) =>
      html`${reviews.map(({ stars, text, author }) => html`<blockquote>${'★'.repeat(stars)} ${text} <cite>${author}</cite></blockquote>`)}`,
  }),
  section<{ items: Product[] }>({
    name: 'bestsellers',
    title: 'Bestsellers',
    render: ({ items }) => productList(items),
  }),
  section<{ items: Product[] }>({
    name: 'new-arrivals',
    title: 'New arrivals',
    render: ({ items }) => productList(items),
  }),
  section<{ categories: string[] }>({
    name: 'categories',
    title: 'Categories',
    render: ({ categories }) => list(categories),
  }),
  section<{ brands: string[] }>({
    name: 'brands',
    title: 'Brands',
    render: ({ brands }) => list(brands),
  }),
  section<{ creative: string }>({
    name: 'ads',
    title: 'Sponsored',
    render: ({ creative }) => html`<p>${creative}</p>`,
    fallback: html`<p class="fallback">Your brand here: <a href="#">advertise with us</a>.</p>`,
  }),
  section<{ city: string; celsius: number; sky: string }>({
    name: 'weather',
    title: 'Weather',
    render: ({ city, celsius, sky }) => html`<p>${city}: ${celsius} °C, ${sky}</p>`,
  }),
  section<{ nearest: string; open: string; km: number }>({
    name: 'stores',
    title: 'Nearest store',
    render: ({ nearest, open, km }) => html`<p>${nearest} (${km} km), open ${open}</p>`,
  }),
  section<{ posts: string[] }>({
    name: 'blog',
    title: 'From the blog',
    render: ({ posts }) => list(posts),
  }),
  section<{ amounts: number[] }>({
    name: 'gift-cards',
    title: 'Gift cards',
    render: ({ amounts }) => html`<p>${amounts.map(money).join(' · ')}</p>`,
  }),
  section<{ pitch: string }>({
    name: 'newsletter',
    title: 'Newsletter',
    render: ({ pitch }) => html`<p>${pitch}</p>`,
  }),
  section<{ base: string; rates: Record<string, number> }>({
    name: 'currency',
    title: 'Currency',
    render: ({ base, rates }) =>
      list(Object.entries(rates).map(([code, rate]) => `1 ${base} = ${rate} ${code}`)),
  }),
  section<{ tags: string[] }>({
    name: 'trending',
    title: 'Trending',
    render: ({ tags }) => html`<p>${tags.join(' ')}</p>`,
  }),
  section<{ posts: { author: string; text: string }[] }>({
    name: 'social',
    title: 'From our customers',
    render: ({ posts }) => list(posts.map(({ author, text }) => `${author}: ${text}`)),
  }),
  section<{ chat: string; waitMinutes: number }>({
    name: 'support',
    title: 'Help',
    render: ({ chat, waitMinutes }) => html`<p>Chat is ${chat}; about ${waitMinutes} min wait</p>`,
  }),
  section<{ links: string[]; year: number }>({
    name: 'footer',
    title: 'Footer',
    wide: true,
    render: ({ links, year }) =>
      html`<nav>${links.map((link) => html`<a href="#">${link}</a> `)}</nav><p class="muted">© ${year} Analytical Goods</p>`,
  }),
];

/** Each section's needs, for the critical path. */
export function needsOf(sections: readonly StoreSection[]): Map<string, readonly string[]> {
  return new Map(sections.map((item) => [item.name, item.needs]));
}
