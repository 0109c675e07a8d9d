/**
 * Common first names in the communities the assistant serves (Dutch, Flemish, French, German,
 * English, Turkish, Moroccan/Arabic, Polish, Somali, Syrian, Ukrainian …), used only to refuse free
 * text that names a person. Names that are also everyday words in en/nl/fr/de (Ben, Will, Mark,
 * Rose, May, Hope, Roos …) are left out on purpose: refusing "ik ben" or "I will" would be absurd.
 */
export const FIRST_NAMES: ReadonlySet<string> = new Set(
  `
  aaliyah aaron abdel abdelkader abdullah abdul abel adam adem adil adrian adrien agnieszka ahmad ahmed
  aicha aisha aleksander alex alexander alexandra alexandre ali alice alicia alina alyssa amal 
  amelie amina amine amir amira ana andre andrea andreas andrzej anika anja anke anna anne annelies anouk
  anton antoine arda arne arthur aya ayoub ayse aziz bart bastian bayu bilal birgit bjorn boris bram
  britt bruno burak camille carla carlos carolien caroline catherine cedric celine charlotte chloe chris
  christian christina christine christophe claire clara claudia daan damien daniel daniela dario david
  dennis dewi dirk dominik eda ela elena elif elias elif elin elisa elise ella elodie emilia emilie emily
  emine emir emma emre enzo eric erik esra ethan eva evi fabian fatima fatma felix femke finn florian 
  francesca francois frank frederik gabriel georg gert gijs giulia hamza hana hannah hannes hans hasan
  hatice hedwig hendrik henk hiba hugo ibrahim ilias ilse imane imran ines ingrid isa isabel isabella
  isabelle ismail ivan jacob jakob jan jana jannik jasmijn jasmin jason jeroen jesse joachim johan johanna
  johannes jonas jonathan joost jordi jorik joris josef joseph julia julian julie julien justine kacper
  karim karin karolina kasper katarzyna katharina kevin khadija klaas koen kristof lars laura lea leah lena
  lennard leon leonie liam lieke lina linda lisa lotte louis louise luc luca lucas lucie ludovic luka lukas
  lynn maarten madelief mahmoud malak malika manon marco marcel maria mariam marie marieke marija marina
  mario marius marleen marta martin martina maryam mateo mathilde mathis matteo matthias  maxim maxime
  mehmet melanie melissa melike merve michael michal michel mila milan mira mohamed mohammed moritz mustafa
  nadia naima nathalie niels nienke nina noah noor nora nour olaf olga oliver olivia omar oscar otto
  ozan pablo patrick paul paula pauline pawel peter petra philipp pierre pieter piotr quentin rachid rafael
  rania rayan reza rik robin romy ruben ruth ryan saar salma sam samir samira sander sanne sara sarah
  selin sem senna serkan simon sofia sofie sophie stefan stefanie stijn sven svenja tamara tariq teun
  theo thijs thomas tim timo tobias tom tomasz tristan tuana ugur valentina vera victor viktor wim wout
  yara yasmin yassin yasmina yusuf zainab zeynep zoe
  ahmet youssef youssouf muhammad mohammad mohammed jules jayden oleksandr noe ayoub bilal hamza ilias ilyas
  imran ismail khadija mariam maryam nour rayan safae salma soufiane wassim zakaria
  `
    .split(/\s+/)
    .filter(Boolean),
);
