/**
 * Frequent Danish and English words, written for this project (not taken from a corpus). They
 * stand in for the word frequencies a real SentencePiece training corpus would provide: the
 * vocabulary builder weights them heavily so they become whole-word pieces, as in Opus-MT.
 */

export const COMMON_DANISH = `
og i at det en den til er som på de med han af for ikke der var mig sig men et har om vi min
havde ham hun nu over da fra du ud sin dem os op man hans hvor eller hvad skal selv her alle
vil blev kunne ind når være dog noget ville jo deres efter ned skulle denne end dette mit også
under have dig anden hende mine alt meget sit sine vor mod disse hvis din nogle hos blive mange
ad bliver hendes været jer sådan bare kan får fik gik går kom kommer sagde siger tog tager gør
gjorde gøre mere mest mindre første sidste andre anden andet ny nye nyt stor store stort lille
små god gode godt år året årene dag dagen dage tid tiden gang gange land landet lande verden
Danmark dansk danske København Europa regeringen regering folk folket mennesker menneske by byen
hus huset børn barn mand manden kvinde kvinden ven venner arbejde arbejder skole skolen uge ugen
måned måneder aften morgen nat dag i dag i går i morgen både mellem uden inden igennem gennem
omkring efter før siden mens fordi derfor hvorfor hvordan hvornår hvem hvilken hvilke hvilket
altid aldrig ofte nogle gange måske allerede stadig endnu igen kun blot ganske helt meget lidt
rigtig rigtigt sand sandt nej ja tak tidligere senere næste lang lange langt kort kortere højt
høj høje lav lave ny gammel gamle ung unge hel hele halv halvdelen del dele delen antal antallet
procent millioner million milliarder kroner krone euro dollar politiet politi minister ministeren
statsminister formand præsident partiet parti valg valget lov loven ret retten sag sagen krig
krigen fred vand vandet luft jorden verdens landets byens hans hendes sin sit sine deres vores
jeres ens én to tre fire fem seks syv otte ni ti elleve tolv tyve tredive fyrre halvtreds hundrede
tusinde første anden tredje fjerde femte mandag tirsdag onsdag torsdag fredag lørdag søndag
januar februar marts april maj juni juli august september oktober november december
sige se ser så set give giver gav givet tage taget komme kommet gå gået stå står stod få fået
finde finder fandt fundet holde holder holdt vide ved vidste vidst tro tror troede tænke tænker
tænkte mene mener mente bruge bruger brugte brugt vise viser viste vist spille spiller spillede
begynde begyndte leve lever levede bo bor boede skrive skriver skrev skrevet læse læser læste
ifølge blandt cirka omkring ca samt hvilket hvorefter hvorimod ellers således nemlig eksempel
fx bl.a. dvs. kl. nr. mv. osv. landsholdet kampen sundhed sygdom sygdomme patienter forskere
undersøgelse resultater viser største vigtigste vigtig vigtigt muligt mulig umuligt svært let
`;

export const COMMON_ENGLISH = `
the of and to a in is it you that he was for on are with as I his they be at one have this
from or had by not word but what some we can out other were all there when up use your how
said an each she which do their time if will way about many then them write would like so these
her long make thing see him two has look more day could go come did number sound no most people
my over know water than call first who may down side been now find any new work part take get
place made live where after back little only round man year came show every good me give our
under name very through just form sentence great think say help low line differ turn cause much
mean before move right boy old too same tell does set three want air well also play small end
put home read hand port large spell add even land here must big high such follow act why ask
men change went light kind off need house picture try us again animal point mother world near
build self earth father head stand own page should country found answer school grow study still
learn plant cover food sun four between state keep eye never last let thought city tree cross
farm hard start might story saw far sea draw left late run while press close night real life
few north open seem together next white children begin got walk example ease paper group always
music those both mark often letter until mile river car feet care second book carry took science
eat room friend began idea fish mountain stop once base hear horse cut sure watch color face wood
main enough plain girl usual young ready above ever red list though feel talk bird soon body dog
family direct pose leave song measure door product black short numeral class wind question happen
complete ship area half rock order fire south problem piece told knew pass since top whole king
space heard best hour better true during hundred five remember step early hold west ground
interest reach fast verb sing listen six table travel less morning ten simple several vowel toward
war lay against pattern slow center love person money serve appear road map rain rule govern pull
cold notice voice unit power town fine certain fly fall lead cry dark machine note wait plan
figure star box noun field rest correct able pound done beauty drive stood contain front teach
week final gave green oh quick develop ocean warm free minute strong special mind behind clear
tail produce fact street inch multiply nothing course stay wheel full force blue object decide
surface deep moon island foot system busy test record boat common gold possible plane stead dry
wonder laugh thousand ago ran check game shape equate hot miss brought heat snow tire bring yes
distant fill east paint language among government president minister police according million
percent said says including however Monday Tuesday Wednesday Thursday Friday Saturday Sunday
January February March April May June July August September October November December
Denmark Danish Copenhagen Europe European English British American United States
`;
