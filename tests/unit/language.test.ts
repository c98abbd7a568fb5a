import { describe, expect, it } from 'vitest';
import { detectLanguage, looksDanish } from '../../src/segmentation/language.js';

describe('detectLanguage', () => {
  it('recognises Danish, English and German paragraphs', () => {
    expect(looksDanish(detectLanguage('Kommunen har i dag besluttet at bygge en ny skole i byens nordlige del. Byggeriet begynder til foråret, og skolen skal efter planen stå klar om tre år.'))).toBe(true);
    expect(detectLanguage('The council decided today to build a new school in the northern part of the town. Construction starts in the spring and should be finished in three years.')).toBe('en');
    expect(detectLanguage('Der Stadtrat hat heute beschlossen, im Norden der Stadt eine neue Schule zu bauen. Der Bau beginnt im Frühjahr.')).toBe('de');
  });

  it('does not guess on text that is too short', () => {
    expect(detectLanguage('Hej!')).toBeUndefined();
    expect(detectLanguage('1.200 - 3.400 - 17 %')).toBeUndefined();
  });
});
