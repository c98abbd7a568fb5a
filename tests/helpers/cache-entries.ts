/** The deterministic key/source/target of entry i of a writer; some entries span several pages. */
export function cacheEntry(writer: string, i: number): { key: string; source: string; target: string } {
  const key = `${writer}-${String(i).padStart(6, '0')}`;
  const long = i % 17 === 0;
  return {
    key,
    source: `Sætning ${i} fra ${writer}: æøå ÆØÅ.${long ? ' Langt afsnit.'.repeat(400) : ''}`,
    target: `Sentence ${i} from ${writer}: "quoted" – dash.${long ? ' Long paragraph.'.repeat(400) : ''}`,
  };
}
