// Popups of event markers: date, title, what the article reports, figures,
// the source with its link, and a visible mark on claims made without evidence.
import { el } from './dom.js';
import { fmtDate, isSpan } from './lib/days.js';
import { isClaim } from './lib/group.js';

const FIGURES = [
  ['killed', 'killed'],
  ['children_killed', 'children among the killed'],
  ['detained', 'detained'],
  ['troops', 'CSTO troops'],
  ['other_regions', 'other regions (not named)'],
];

const nf = new Intl.NumberFormat('en-GB');

export function eventBody(f) {
  const p = f.properties;
  const claim = isClaim(f);
  const figures = FIGURES.filter(([k]) => typeof p[k] === 'number')
    .map(([k, label]) => el('li', {}, el('strong', {}, nf.format(p[k])), ` ${label}`));
  const src = p.source || {};
  return el('article', { class: 'kz-event' + (claim ? ' kz-claim' : ''), 'data-id': f.id, 'data-date': p.date },
    el('p', { class: 'kz-event-date' + (isSpan(p) ? ' kz-event-span' : '') },
      el('time', { datetime: isSpan(p) ? `${p.date}/${p.date_end}` : p.date }, fmtDate(p)),
      p.kind ? el('span', { class: 'kz-kind' }, p.kind) : ''),
    el('h3', {}, p.title || f.id),
    claim ? el('p', { class: 'kz-claim-mark', role: 'note' },
      el('strong', {}, 'Claim — no evidence produced'),
      p.claimed_by ? ` (claimed by ${p.claimed_by})` : '') : '',
    p.description ? el('p', {}, p.description) : '',
    p.place ? el('p', { class: 'kz-muted' }, `Where: ${p.place}`) : '',
    figures.length ? el('ul', { class: 'kz-figures' }, ...figures) : '',
    p.date_note ? el('p', { class: 'kz-muted kz-small' }, `Date: ${p.date_note}`) : '',
    p.place_note ? el('p', { class: 'kz-muted kz-small' }, `Place: ${p.place_note}`) : '',
    p.quote ? el('blockquote', { class: 'kz-quote' }, p.quote) : '',
    src.url ? el('p', { class: 'kz-source' }, 'Source: ',
      src.title ? el('cite', {}, `“${src.title}”`) : '',
      src.title ? ' — ' : '',
      el('a', { href: src.url, target: '_blank', rel: 'noopener noreferrer' }, src.url_title || src.url),
      src.publisher ? `, ${src.publisher}` : '',
      src.date ? `, ${src.date}` : '') : '');
}

export function eventPopup(f) {
  return el('div', { class: 'kz-popup-body' }, eventBody(f));
}

export function groupPopup(fs, country) {
  const claims = fs.filter(isClaim).length;
  return el('div', { class: 'kz-popup-body kz-group' },
    el('h2', {}, country ? `${fs.length} events reported for the whole country` : `${fs.length} events here`),
    claims ? el('p', { class: 'kz-muted' }, `${claims} of them ${claims === 1 ? 'is a claim' : 'are claims'} with no evidence produced.`) : '',
    ...fs.map(eventBody));
}
