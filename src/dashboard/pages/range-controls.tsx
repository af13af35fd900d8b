/** The range form pages share: a plain GET form (works without scripts); nexus.js only fills in the zone. */
import type { Child } from 'hono/jsx';
import type { JSX } from 'hono/jsx/jsx-runtime';
import type { RangeQuery } from '../ranges.js';

const RANGES: [RangeQuery['range'], string][] = [
  ['24h', 'Last 24 h'],
  ['7d', 'Last 7 days'],
  ['30d', 'Last 30 days'],
  ['custom', 'Custom dates'],
];

export interface RangeControlsProps {
  action: string;
  range: RangeQuery;
  /** Offer the bucket and stack-by selectors (charts stacked by a dimension). */
  stacking?: boolean;
  /** More fields (a page's filters), before the submit button. */
  children?: Child;
}

export function RangeControls(props: RangeControlsProps): JSX.Element {
  const { range } = props;
  return (
    <form class="controls" method="get" action={props.action} data-range-form>
      <label>
        Range
        <select name="range">
          {RANGES.map(([value, label]) => (
            <option value={value} selected={range.range === value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label class="custom-date">
        From
        <input type="date" name="from" value={range.from ?? ''} />
      </label>
      <label class="custom-date">
        To
        <input type="date" name="to" value={range.to ?? ''} />
      </label>
      {props.stacking === true ? (
        <>
          <label>
            Buckets
            <select name="bucket">
              {(['hour', 'day', 'week'] as const).map((value) => (
                <option value={value} selected={range.bucket === value}>
                  {value === 'hour' ? 'Hours' : value === 'day' ? 'Days' : 'Weeks'}
                </option>
              ))}
            </select>
          </label>
          <label>
            Stack by
            <select name="by">
              {(['model', 'domain', 'account', 'member', 'team', 'project'] as const).map((value) => (
                <option value={value} selected={range.by === value}>
                  {value[0]?.toUpperCase()}
                  {value.slice(1)}
                </option>
              ))}
            </select>
          </label>
        </>
      ) : null}
      {props.children}
      <input type="hidden" name="tz" value={range.tz} />
      <button type="submit">Show</button>
    </form>
  );
}

/** A filter's select: "all" first, then the known values (and the current one, even if unknown). */
export function FilterSelect(props: { name: string; label: string; all: string; values: readonly string[]; current: string | undefined }): JSX.Element {
  const values = props.current !== undefined && !props.values.includes(props.current) ? [...props.values, props.current] : props.values;
  return (
    <label>
      {props.label}
      <select name={props.name}>
        <option value="">{props.all}</option>
        {values.map((value) => (
          <option value={value} selected={value === props.current}>
            {value}
          </option>
        ))}
      </select>
    </label>
  );
}
