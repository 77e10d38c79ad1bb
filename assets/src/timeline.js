// The timeline: All or one day, each with a bar of its events; ▶ plays the
// days one by one.
import { el } from './dom.js';
import { DAYS, fmtDay, perDay } from './lib/days.js';

const PLAY_MS = 1200; // how long each day shows while playing
const BAR_PX = 22; // the tallest bar

// Timeline draws the days into `days` and drives the play button; it calls
// onPick(date) (null: every day) when the reader or the player picks a day.
export class Timeline {
  constructor(days, play, onPick) {
    this.days = days;
    this.play = play;
    this.onPick = onPick;
    this.timer = null;
    this.current = null;
    play.addEventListener('click', () => (this.timer ? this.stop() : this.start()));
  }

  // render draws the days for the events, with `date` checked.
  // Each day's bar counts the events shown on it (those dated only to a
  // span of days hatched, those dated to that day solid), by the API's rule.
  render(events, date) {
    const per = perDay(events);
    const max = Math.max(1, ...per.values());
    const px = (n) => Math.round((n / max) * BAR_PX);
    const opt = (value, label, n, title, exact) => {
      const id = `kz-day-${value || 'all'}`;
      const input = el('input', { type: 'radio', name: 'kz-day', id, value, checked: (date || '') === value ? '' : null });
      input.addEventListener('change', () => { this.stop(); this.onPick(value || null); });
      return el('label', { for: id, class: 'kz-day', title },
        input,
        n === null ? '' : el('span', { class: 'kz-bar', style: `height:${px(n) + 2}px`, 'aria-hidden': 'true' },
          el('span', { class: 'kz-bar-exact', style: `height:${px(exact) + (exact ? 2 : 0)}px` })),
        el('span', { class: 'kz-day-label' }, label));
    };
    this.days.replaceChildren(
      opt('', 'All', null, `2–10 January: ${events.length} events`),
      ...DAYS.map((d) => opt(d, String(Number(d.slice(8))), per.get(d),
        `${fmtDay(d)}: ${per.get(d)} events, ${per.exact.get(d)} of them dated to this day`, per.exact.get(d))));
  }

  // check marks the day shown (null: All).
  check(date) {
    this.current = date;
    const input = document.getElementById(`kz-day-${date || 'all'}`);
    if (input) input.checked = true;
  }

  start() {
    let i = this.current ? DAYS.indexOf(this.current) + 1 : 0;
    if (i >= DAYS.length) i = 0;
    this.onPick(DAYS[i]);
    this.timer = setInterval(() => {
      i++;
      if (i >= DAYS.length) { this.stop(); return; }
      this.onPick(DAYS[i]);
    }, PLAY_MS);
    this.play.textContent = '❚❚';
    this.play.title = 'Pause';
    this.play.setAttribute('aria-label', 'Pause');
  }

  stop() {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = null;
    this.play.textContent = '▶';
    this.play.title = 'Play';
    this.play.setAttribute('aria-label', 'Play the days one by one');
  }
}
