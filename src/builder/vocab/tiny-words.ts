/**
 * The tiny preset's whole vocabulary source: a short bilingual word list written for this
 * project, so the test suite builds its tokenizer without system word lists.
 */
export const TINY_EXTRA_WORDS = `
huset husene husets bilen bilerne bil biler bogen bøger bogens avisen aviser artikel artiklen
artikler nyhed nyheder nyheden sætning sætninger ord ordet ordene sprog sproget oversætte
oversættelse oversættelsen engelsk engelske dansker danskere skib skibe havn havnen strand
stranden skov skoven sø søen fjord fjorden ø øen øer byer gade gaden gader vej vejen veje bro
broen tog toget fly flyet cykel cyklen cykler købe køber købte sælge sælger solgte betale betaler
betalte penge pengene pris prisen priser højere lavere billigere dyrere hurtig hurtigt langsom
langsomt smuk smukt grim grimt glad glade trist kold koldt varm varmt regn regnen sne sneen vind
vinden sol solen måne månen himmel himlen vejr vejret sommer sommeren vinter vinteren forår
efterår spise spiser spiste drikke drikker drak kaffe te øl vin brød mælk ost kød fisk æble
æbler kartofler grøntsager frokost middag morgenmad køkken køkkenet stue stuen værelse værelset
dør døren vindue vinduet bord bordet stol stolen seng sengen lys lyset mørke mørket
translation translate article articles news sentence sentences words language languages reader
readers newspaper report reported reports today yesterday tomorrow weather summer winter spring
autumn coffee tea beer wine bread milk cheese meat apple apples potatoes kitchen window chair
bed table ship harbour beach forest lake island street bridge train plane bicycle buy bought sell
sold pay paid price prices higher lower cheaper faster slowly beautiful happy sad cold warm rain
snow wind sun moon sky eat ate drink drank breakfast lunch dinner room living door light dark
`;
