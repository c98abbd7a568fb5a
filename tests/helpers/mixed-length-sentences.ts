/** Danish sentences of very different lengths, so a batch of them carries real padding (engine tests). */
export const MIXED_LENGTH_SENTENCES = [
  'Det regner.',
  'Kommunen bygger en ny skole til næsten fire hundrede elever i den nordlige del af byen.',
  'Hvorfor?',
  'Regeringen siger, at militæret forbereder en modoffensiv i den nordlige del af landet, og at flere soldater er på vej.',
  'Børn og voksne fejrede sejren på torvet i går aftes.',
  '1.200 mennesker mødte op.',
  'Hun siger: - Vi er meget glade for resultatet, og vi håber, at det fortsætter.',
  'Det er en god dag.',
] as const;
