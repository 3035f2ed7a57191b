"""Hand-curated names and cue words for the rule-based entity recognizer.

Kept as plain text tables so a reviewer can add a name without touching the
matching logic. Countries come from pycountry; the tables here add what
pycountry lacks: news-friendly names, demonyms, capitals used as metonyms
("Pyongyang said ..."), regions, cities, organisations and a few people whose
names are spelled several ways.
"""

from __future__ import annotations


def _words(block: str) -> frozenset[str]:
    return frozenset(block.split())


def _rows(block: str) -> list[list[str]]:
    """Rows of `a | b; c | d`: fields split on "|", items within a field on ";"."""
    rows = []
    for line in block.strip().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            rows.append([field.strip() for field in line.split("|")])
    return rows


def items(field: str) -> list[str]:
    return [item.strip() for item in field.split(";") if item.strip()]


# --- places -----------------------------------------------------------------

# alpha-3 | friendly canonical (blank: pycountry's common name) | extra aliases | demonyms | capitals
# Capitals listed here stand for their country: in international news
# "Pyongyang" and "Washington" are governments far more often than cities.
COUNTRY_ROWS = _rows("""
AFG | | | Afghan; Afghans | Kabul
ALB | | | Albanian; Albanians | Tirana
DZA | | | Algerian; Algerians | Algiers
AGO | | | Angolan; Angolans | Luanda
ARG | | | Argentine; Argentines; Argentinian; Argentinians | Buenos Aires
ARM | | | Armenian; Armenians | Yerevan
AUS | | | Australian; Australians | Canberra
AUT | | | Austrian; Austrians | Vienna
AZE | | | Azerbaijani; Azerbaijanis; Azeri; Azeris | Baku
BHS | Bahamas | The Bahamas | Bahamian; Bahamians | Nassau
BHR | | | Bahraini; Bahrainis | Manama
BGD | | | Bangladeshi; Bangladeshis | Dhaka
BLR | | | Belarusian; Belarusians; Belarussian | Minsk
BEL | | | Belgian; Belgians |
BOL | Bolivia | | Bolivian; Bolivians | La Paz
BIH | | Bosnia | Bosnian; Bosnians | Sarajevo
BRA | | | Brazilian; Brazilians | Brasilia; Brasília
BRN | Brunei | Brunei Darussalam | Bruneian |
BGR | | | Bulgarian; Bulgarians |
KHM | | | Cambodian; Cambodians | Phnom Penh
CMR | | | Cameroonian; Cameroonians | Yaounde; Yaoundé
CAN | | | Canadian; Canadians | Ottawa
CPV | Cape Verde | Cabo Verde | Cape Verdean |
CAF | | | Central African |
TCD | | | Chadian; Chadians | N'Djamena
CHL | | | Chilean; Chileans |
CHN | | People's Republic of China; PRC; Mainland China | Chinese | Beijing; Peking
COL | | | Colombian; Colombians | Bogota; Bogotá
COD | Democratic Republic of the Congo | DR Congo; DRC; Democratic Republic of Congo; Congo-Kinshasa | Congolese | Kinshasa
COG | Republic of the Congo | Congo-Brazzaville; Congo Republic | | Brazzaville
CRI | | | Costa Rican; Costa Ricans |
CIV | Ivory Coast | Côte d'Ivoire; Cote d'Ivoire | Ivorian; Ivorians |
HRV | | | Croatian; Croatians; Croat; Croats | Zagreb
CUB | | | Cuban; Cubans | Havana
CYP | | | Cypriot; Cypriots | Nicosia
CZE | Czech Republic | Czechia | Czech; Czechs | Prague
DNK | | | Danish; Dane; Danes | Copenhagen
DJI | | | Djiboutian |
DOM | | | Dominican; Dominicans | Santo Domingo
ECU | | | Ecuadorian; Ecuadorians | Quito
EGY | | | Egyptian; Egyptians | Cairo
SLV | | | Salvadoran; Salvadorans; Salvadorian | San Salvador
ERI | | | Eritrean; Eritreans | Asmara
EST | | | Estonian; Estonians | Tallinn
SWZ | Eswatini | Swaziland | Swazi |
ETH | | | Ethiopian; Ethiopians | Addis Ababa
FJI | | | Fijian; Fijians | Suva
FIN | | | Finnish; Finn; Finns | Helsinki
FRA | | | French; Frenchman; Frenchwoman; Frenchmen | Paris
GAB | | | Gabonese | Libreville
GMB | Gambia | The Gambia | Gambian; Gambians | Banjul
GEO | | | Georgian; Georgians | Tbilisi
DEU | | | German; Germans | Berlin
GHA | | | Ghanaian; Ghanaians | Accra
GRC | | | Greek; Greeks | Athens
GTM | | | Guatemalan; Guatemalans | Guatemala City
GIN | | | Guinean; Guineans | Conakry
HTI | | | Haitian; Haitians | Port-au-Prince
HND | | | Honduran; Hondurans | Tegucigalpa
HKG | Hong Kong | | Hongkonger; Hongkongers |
HUN | | | Hungarian; Hungarians | Budapest
ISL | | | Icelandic; Icelander; Icelanders | Reykjavik
IND | | | Indian; Indians | New Delhi
IDN | | | Indonesian; Indonesians | Jakarta
IRN | Iran | Persia; Islamic Republic of Iran | Iranian; Iranians | Tehran; Teheran
IRQ | | | Iraqi; Iraqis | Baghdad
IRL | | Republic of Ireland; Eire | Irish; Irishman | Dublin
ISR | | | Israeli; Israelis |
ITA | | | Italian; Italians | Rome
JAM | | | Jamaican; Jamaicans |
JPN | | | Japanese | Tokyo
JOR | | | Jordanian; Jordanians | Amman
KAZ | | | Kazakh; Kazakhs; Kazakhstani | Astana
KEN | | | Kenyan; Kenyans | Nairobi
KWT | | | Kuwaiti; Kuwaitis | Kuwait City
KGZ | | | Kyrgyz | Bishkek
LAO | Laos | | Laotian; Laotians | Vientiane
LVA | | | Latvian; Latvians | Riga
LBN | | | Lebanese | Beirut
LBR | | | Liberian; Liberians | Monrovia
LBY | | | Libyan; Libyans | Tripoli
LTU | | | Lithuanian; Lithuanians | Vilnius
LUX | | | Luxembourgish; Luxembourger |
MAC | Macau | Macao | |
MDG | | | Malagasy |
MWI | | | Malawian; Malawians | Lilongwe
MYS | | | Malaysian; Malaysians | Kuala Lumpur
MDV | | | Maldivian; Maldivians |
MLI | | | Malian; Malians | Bamako
MLT | | | Maltese | Valletta
MRT | | | Mauritanian; Mauritanians | Nouakchott
MEX | | | Mexican; Mexicans | Mexico City
FSM | Micronesia | | |
MDA | Moldova | | Moldovan; Moldovans | Chisinau; Chișinău
MNG | | | Mongolian; Mongolians | Ulaanbaatar; Ulan Bator
MNE | | | Montenegrin; Montenegrins | Podgorica
MAR | | | Moroccan; Moroccans | Rabat
MOZ | | | Mozambican; Mozambicans | Maputo
MMR | | Burma | Burmese | Naypyidaw; Nay Pyi Taw
NAM | | | Namibian; Namibians | Windhoek
NPL | | | Nepali; Nepalese | Kathmandu
NLD | | Holland | Dutch; Dutchman |
NZL | | | New Zealander; New Zealanders |
NIC | | | Nicaraguan; Nicaraguans | Managua
NER | | | Nigerien; Nigeriens | Niamey
NGA | | | Nigerian; Nigerians | Abuja
PRK | North Korea | DPRK; D.P.R.K.; N. Korea; N Korea; DPR Korea; Democratic People's Republic of Korea | North Korean; North Koreans | Pyongyang
MKD | | Macedonia | Macedonian; Macedonians | Skopje
NOR | | | Norwegian; Norwegians | Oslo
OMN | | | Omani; Omanis | Muscat
PAK | | | Pakistani; Pakistanis | Islamabad
PSE | Palestine | State of Palestine; Palestinian Territories; Occupied Palestinian Territories | Palestinian; Palestinians | Ramallah
PAN | | | Panamanian; Panamanians | Panama City
PNG | | | Papua New Guinean |
PRY | | | Paraguayan; Paraguayans | Asuncion; Asunción
PER | | | Peruvian; Peruvians | Lima
PHL | | | Filipino; Filipinos; Philippine | Manila
POL | | | Polish; Pole; Poles | Warsaw
PRT | | | Portuguese | Lisbon
QAT | | | Qatari; Qataris | Doha
ROU | | | Romanian; Romanians | Bucharest
RUS | Russia | Russian Federation | Russian; Russians | Moscow
RWA | | | Rwandan; Rwandans | Kigali
SAU | | | Saudi; Saudis | Riyadh
SEN | | | Senegalese | Dakar
SRB | | | Serbian; Serbians; Serb; Serbs | Belgrade
SLE | | | Sierra Leonean; Sierra Leoneans | Freetown
SGP | | | Singaporean; Singaporeans |
SVK | | | Slovak; Slovaks; Slovakian | Bratislava
SVN | | | Slovenian; Slovenians; Slovene | Ljubljana
SOM | | | Somali; Somalis | Mogadishu
ZAF | | | South African; South Africans | Pretoria
KOR | South Korea | Republic of Korea; ROK; S. Korea; S Korea | South Korean; South Koreans | Seoul
SSD | | | South Sudanese |
ESP | | | Spanish; Spaniard; Spaniards | Madrid
LKA | | Ceylon | Sri Lankan; Sri Lankans | Colombo
SDN | | | Sudanese | Khartoum
SWE | | | Swedish; Swede; Swedes | Stockholm
CHE | | | Swiss | Bern; Berne
SYR | Syria | | Syrian; Syrians | Damascus
TWN | Taiwan | Republic of China | Taiwanese | Taipei
TJK | | | Tajik; Tajiks | Dushanbe
TZA | Tanzania | | Tanzanian; Tanzanians | Dodoma
THA | | | Thai | Bangkok
TLS | East Timor | Timor-Leste | Timorese | Dili
TGO | | | Togolese | Lome; Lomé
TTO | | | Trinidadian; Trinidadians |
TUN | | | Tunisian; Tunisians | Tunis
TUR | Turkey | Türkiye; Turkiye; Republic of Türkiye | Turkish; Turk; Turks | Ankara
TKM | | | Turkmen | Ashgabat
UGA | | | Ugandan; Ugandans | Kampala
UKR | Ukraine | | Ukrainian; Ukrainians | Kyiv; Kiev
ARE | United Arab Emirates | UAE; U.A.E. | Emirati; Emiratis | Abu Dhabi
GBR | United Kingdom | UK; U.K.; Britain; Great Britain | British; Briton; Britons | London
USA | United States | US; U.S.; USA; U.S.A.; United States of America; America | American; Americans | Washington; Washington D.C.; Washington DC
URY | | | Uruguayan; Uruguayans | Montevideo
UZB | | | Uzbek; Uzbeks | Tashkent
VAT | Vatican City | Vatican; Holy See | |
VEN | Venezuela | | Venezuelan; Venezuelans | Caracas
VNM | Vietnam | Viet Nam | Vietnamese | Hanoi
VGB | British Virgin Islands | | |
VIR | U.S. Virgin Islands | US Virgin Islands | |
FLK | Falkland Islands | Falklands; Malvinas | |
CCK | Cocos Islands | Cocos (Keeling) Islands | |
MAF | Saint Martin | | |
SXM | Sint Maarten | | |
SHN | Saint Helena | | |
BES | Caribbean Netherlands | Bonaire | |
YEM | | | Yemeni; Yemenis | Sanaa; Sana'a
ZMB | | | Zambian; Zambians | Lusaka
ZWE | | | Zimbabwean; Zimbabweans | Harare
""")

# pycountry names that are ambiguous in running text.
DROPPED_COUNTRY_ALIASES = frozenset({"Congo", "Korea"})

# Places pycountry does not list as countries: canonical | aliases | demonyms.
# Regions keep their own canonical; they are never folded into a country.
REGION_ROWS = _rows("""
Soviet Union | USSR; U.S.S.R.; the Soviet Union | Soviet; Soviets
Kosovo | | Kosovar; Kosovars
England | | English; Englishman
Scotland | | Scottish; Scots
Wales | | Welsh
Northern Ireland | |
Europe | | European; Europeans
Asia | | Asian
Africa | | African; Africans
Latin America | | Latin American; Latin Americans
North America | |
South America | | South American
Central America | | Central American
Middle East | Mideast | Middle Eastern
East Asia | | East Asian
Southeast Asia | South-East Asia; South East Asia | Southeast Asian
South Asia | | South Asian
Central Asia | | Central Asian
Asia-Pacific | Asia Pacific; APAC |
Indo-Pacific | |
Eastern Europe | | Eastern European
Western Europe | |
Central Europe | |
North Africa | | North African
West Africa | | West African
East Africa | | East African
Sub-Saharan Africa | |
Horn of Africa | |
Sahel | |
Caribbean | |
Oceania | |
Eurasia | |
Scandinavia | | Scandinavian
Balkans | the Balkans | Balkan
Baltics | Baltic states | Baltic
Caucasus | the Caucasus |
Arctic | the Arctic |
Antarctica | | Antarctic
Siberia | | Siberian
Crimea | Crimean Peninsula | Crimean
Donbas | Donbass |
Gaza | Gaza Strip | Gazan; Gazans
West Bank | |
Golan Heights | |
Sinai | Sinai Peninsula |
Kashmir | | Kashmiri; Kashmiris
Tibet | | Tibetan; Tibetans
Xinjiang | |
Chechnya | | Chechen; Chechens
Dagestan | |
Kurdistan | Iraqi Kurdistan |
Catalonia | | Catalan
Bavaria | | Bavarian
Korean Peninsula | |
Persian Gulf | the Gulf |
Black Sea | |
Red Sea | |
Baltic Sea | |
Mediterranean | Mediterranean Sea |
South China Sea | |
East China Sea | |
Yellow Sea | |
Sea of Japan | East Sea |
Taiwan Strait | Taiwan Straits |
Strait of Hormuz | |
Gulf of Aden | |
Pacific | Pacific Ocean |
Atlantic | Atlantic Ocean |
Indian Ocean | |
Himalayas | |
Sahara | |
Kursk | |
Belgorod | |
Bryansk | |
Donetsk | |
Luhansk | Lugansk |
Kharkiv | Kharkov |
Kherson | |
Zaporizhzhia | Zaporizhia; Zaporozhye |
Dnipro | Dnipropetrovsk; Dnieper |
Mykolaiv | Nikolaev |
Odesa | Odessa |
Lviv | Lvov |
Sumy | |
Chernihiv | |
Mariupol | |
Bakhmut | Artemovsk |
Avdiivka | |
Pokrovsk | |
Kramatorsk | |
Sloviansk | Slavyansk |
Kupiansk | |
Izium | Izyum |
Bucha | |
Sevastopol | |
Rostov | Rostov-on-Don |
Krasnodar | |
Voronezh | |
Saint Petersburg | St Petersburg; St. Petersburg |
Novosibirsk | |
Yekaterinburg | |
Vladivostok | |
Khabarovsk | |
Kaliningrad | |
Murmansk | |
Grozny | |
Kazan | |
Sochi | |
New York | New York City; NYC |
Los Angeles | |
Chicago | |
San Francisco | |
Houston | |
Miami | |
Boston | |
Seattle | |
Atlanta | |
Dallas | |
Philadelphia | |
Detroit | |
Las Vegas | |
Denver | |
New Orleans | |
Baltimore | |
Honolulu | |
Brooklyn | |
Manhattan | |
Hollywood | |
Silicon Valley | |
Toronto | |
Montreal | |
Vancouver | |
Melbourne | |
Brisbane | |
Auckland | |
Shanghai | |
Shenzhen | |
Guangzhou | |
Wuhan | |
Chengdu | |
Harbin | |
Dandong | |
Osaka | |
Kyoto | |
Hiroshima | |
Nagasaki | |
Okinawa | |
Hokkaido | |
Busan | Pusan |
Incheon | |
Kaesong | |
Panmunjom | |
Wonsan | |
Mumbai | Bombay |
Kolkata | Calcutta |
Chennai | Madras |
Bengaluru | Bangalore |
Hyderabad | |
Karachi | |
Lahore | |
Peshawar | |
Kandahar | |
Istanbul | |
Dubai | |
Mecca | Makkah |
Jeddah | |
Aleppo | |
Mosul | |
Basra | |
Benghazi | |
Alexandria | |
Tel Aviv | |
Jerusalem | |
Haifa | |
Rafah | |
Khan Younis | Khan Yunis |
Beirut | |
Manchester | |
Birmingham | |
Liverpool | |
Glasgow | |
Edinburgh | |
Belfast | |
Cardiff | |
Munich | |
Hamburg | |
Frankfurt | |
Cologne | |
Milan | |
Naples | |
Venice | |
Barcelona | |
Marseille | Marseilles |
Lyon | |
Geneva | |
Zurich | |
Davos | |
Brussels | |
Antwerp | |
Amsterdam | |
Rotterdam | |
The Hague | Hague |
Rio de Janeiro | |
Sao Paulo | São Paulo |
Lagos | |
Johannesburg | |
Cape Town | |
Mombasa | |
Casablanca | |
Ho Chi Minh City | Saigon |
Yangon | Rangoon |
Bali | |
""")

# AP-style abbreviations of US states, matched only with their full stop: "Calif."
STATE_ABBREVIATIONS = {
    "Ala.": "Alabama", "Ariz.": "Arizona", "Ark.": "Arkansas", "Calif.": "California", "Colo.": "Colorado",
    "Conn.": "Connecticut", "Fla.": "Florida", "Ga.": "Georgia (U.S. state)", "Ill.": "Illinois",
    "Kan.": "Kansas",
    "Ky.": "Kentucky", "La.": "Louisiana", "Md.": "Maryland", "Mass.": "Massachusetts", "Mich.": "Michigan",
    "Minn.": "Minnesota", "Mo.": "Missouri", "Mont.": "Montana", "Neb.": "Nebraska", "Nev.": "Nevada",
    "N.H.": "New Hampshire", "N.J.": "New Jersey", "N.M.": "New Mexico", "N.Y.": "New York", "N.C.": "North Carolina",
    "N.D.": "North Dakota", "Okla.": "Oklahoma", "Ore.": "Oregon", "Pa.": "Pennsylvania", "R.I.": "Rhode Island",
    "S.C.": "South Carolina", "S.D.": "South Dakota", "Tenn.": "Tennessee", "Tex.": "Texas", "Vt.": "Vermont",
    "Va.": "Virginia", "Wash.": "Washington (U.S. state)", "Wis.": "Wisconsin", "Wyo.": "Wyoming",
}

# Countries' first-level divisions whose pycountry names are already the
# English ones used in news copy.
SUBDIVISION_COUNTRIES = ("US", "CA", "AU", "IN")
# Subdivision names that would collide with a country or a capital metonym.
DROPPED_SUBDIVISIONS = frozenset({
    "Georgia", "Washington", "District of Columbia", "American Samoa", "Guam", "Puerto Rico",
    "Northern Mariana Islands", "United States Minor Outlying Islands", "Virgin Islands, U.S.",
    "Delhi", "Punjab",
})

# --- organisations and people ---------------------------------------------------

# canonical | aliases (matched case-insensitively) | acronyms (matched only in capitals)
ORG_ROWS = _rows("""
United Nations | U.N. | UN
UN Security Council | United Nations Security Council; U.N. Security Council; Security Council; UN security council | UNSC
UN General Assembly | United Nations General Assembly; U.N. General Assembly |
NATO | North Atlantic Treaty Organization; North Atlantic Treaty Organisation; Nato | NATO
European Union | E.U. | EU
European Commission | |
European Parliament | |
European Central Bank | | ECB
African Union | |
ASEAN | Association of Southeast Asian Nations | ASEAN
OPEC | Organization of the Petroleum Exporting Countries | OPEC
G7 | Group of Seven; G-7 |
G20 | Group of Twenty; G-20 |
OSCE | Organization for Security and Co-operation in Europe | OSCE
IAEA | International Atomic Energy Agency | IAEA
World Health Organization | World Health Organisation | WHO
International Monetary Fund | | IMF
World Bank | |
World Trade Organization | World Trade Organisation | WTO
International Criminal Court | | ICC
International Court of Justice | World Court | ICJ
Interpol | |
UNICEF | | UNICEF
UNHCR | UN Refugee Agency; UN refugee agency | UNHCR
UNESCO | | UNESCO
World Food Programme | World Food Program | WFP
International Committee of the Red Cross | Red Cross | ICRC
Amnesty International | |
Human Rights Watch | | HRW
Greenpeace | |
State Duma | Russian State Duma; Duma | 
Federation Council | Russian Federation Council |
Kremlin | the Kremlin |
Pentagon | the Pentagon |
White House | the White House |
US State Department | State Department; U.S. State Department; Department of State |
US Department of Justice | Justice Department; Department of Justice; U.S. Justice Department | DOJ
US Congress | Congress; U.S. Congress |
US Senate | U.S. Senate |
US House of Representatives | House of Representatives; U.S. House of Representatives |
Federal Bureau of Investigation | | FBI
Central Intelligence Agency | | CIA
National Security Agency | | NSA
NASA | | NASA
Federal Reserve | the Fed |
Department of Homeland Security | Homeland Security | DHS
Centers for Disease Control and Prevention | | CDC
Food and Drug Administration | | FDA
National Transportation Safety Board | | NTSB
Federal Aviation Administration | | FAA
Federal Emergency Management Agency | | FEMA
Securities and Exchange Commission | | SEC
Downing Street | |
Bundestag | |
Knesset | |
Hamas | |
Hezbollah | Hizbollah |
Taliban | |
Islamic State | Islamic State group; ISIL | ISIS; IS
al-Qaeda | Al Qaeda; al Qaeda; Al-Qaeda |
Houthis | Houthi |
Wagner Group | Wagner |
Korean Central News Agency | | KCNA
Workers' Party of Korea | Korean Workers' Party | WPK
Rodong Sinmun | |
Chinese Communist Party | Communist Party of China | CCP; CPC
Reuters | |
Associated Press | AP News; The Associated Press | AP
Agence France-Presse | Agence France Presse | AFP
BBC | BBC News; British Broadcasting Corporation | BBC
CNN | | CNN
Fox News | |
NBC News | | NBC
CBS News | | CBS
ABC News | |
NPR | National Public Radio | NPR
Bloomberg | Bloomberg News |
The New York Times | New York Times | NYT
The Washington Post | Washington Post |
The Wall Street Journal | Wall Street Journal | WSJ
The Guardian | Guardian |
Financial Times | | FT
The Economist | Economist |
Politico | |
Axios | |
Al Jazeera | Aljazeera |
Sky News | |
Deutsche Welle | | DW
Euronews | |
TASS | | TASS
RIA Novosti | RIA |
Interfax | |
Xinhua | Xinhua News Agency |
Yonhap | Yonhap News Agency; Yonhap News |
Kyodo | Kyodo News |
NHK | | NHK
NDTV | | NDTV
Ukrinform | |
Kyiv Independent | The Kyiv Independent |
Institute for the Study of War | | ISW
Council on Foreign Relations | | CFR
Center for Strategic and International Studies | | CSIS
Chatham House | |
Brookings Institution | |
RAND Corporation | RAND | RAND
SIPRI | Stockholm International Peace Research Institute | SIPRI
Google | |
Microsoft | |
Meta | |
Facebook | |
Twitter | |
YouTube | |
TikTok | |
OpenAI | |
Tesla | |
Samsung | |
Boeing | |
Airbus | |
Gazprom | |
Rosneft | |
Huawei | |
General Motors | | GM
General Electric | | GE
""")

# canonical | aliases. Surnames listed here are distinctive enough to stand alone.
PERSON_ROWS = _rows("""
Vladimir Putin | Putin; Vladimir Vladimirovich Putin
Kim Jong Un | Kim Jong-un; Kim Jong-Un; Kim Jongun
Kim Yo Jong | Kim Yo-jong
Kim Il Sung | Kim Il-sung
Kim Jong Il | Kim Jong-il
Volodymyr Zelensky | Zelensky; Zelenskyy; Zelenskiy; Volodymyr Zelenskyy; Volodymyr Zelenskiy; Vladimir Zelensky
Xi Jinping | Xi
Joe Biden | Biden; Joseph Biden; Joseph R. Biden
Donald Trump | Trump; Donald J. Trump
Barack Obama | Obama
Kamala Harris |
Yoon Suk Yeol | Yoon Suk-yeol
Moon Jae-in | Moon Jae In
Lee Jae-myung | Lee Jae Myung
Fumio Kishida | Kishida
Shigeru Ishiba | Ishiba
Emmanuel Macron | Macron
Olaf Scholz | Scholz
Keir Starmer | Starmer
Rishi Sunak | Sunak
Narendra Modi | Modi
Recep Tayyip Erdogan | Erdogan; Erdoğan; Recep Tayyip Erdoğan
Benjamin Netanyahu | Netanyahu
Ali Khamenei | Khamenei; Ayatollah Ali Khamenei
Mohammed bin Salman | Mohammed Bin Salman
Bashar al-Assad | Bashar al Assad; Bashar Assad
Antonio Guterres | António Guterres; Guterres
Jens Stoltenberg | Stoltenberg
Mark Rutte | Rutte
Ursula von der Leyen | von der Leyen
Sergei Lavrov | Sergey Lavrov; Lavrov
Sergei Shoigu | Sergey Shoigu; Shoigu
Dmitry Peskov | Dmitri Peskov; Peskov
Dmitry Medvedev | Dmitri Medvedev; Medvedev
Andrei Belousov | Andrey Belousov; Belousov
Alexei Navalny | Alexey Navalny; Navalny
Alexander Lukashenko | Aleksandr Lukashenko; Lukashenko
Rafael Grossi | Rafael Mariano Grossi
Tedros Adhanom Ghebreyesus | Tedros Adhanom
Antony Blinken | Blinken
Lloyd Austin |
Elon Musk | Musk
""")

# --- cue words ------------------------------------------------------------------

# Capitalized titles that precede a name and are not part of it.
TITLE_WORDS = _words("""
President Vice Prime Minister Premier Chancellor King Queen Prince Princess Pope Emperor
Governor Gov. Senator Sen. Rep. Representative Congressman Congresswoman Mayor Councillor Councilor
General Gen. Lieutenant Lt. Colonel Col. Major Maj. Commander Cmdr. Admiral Adm. Captain Capt.
Sergeant Sgt. Corporal Cpl. Private Marshal Field Brigadier
Judge Justice Magistrate Prosecutor Attorney Chief Secretary Ambassador Envoy Director Chairman
Chairwoman Chairperson Chair CEO Founder Mr. Mr Mrs. Mrs Ms. Ms Miss Dr. Dr Prof. Professor Sir Dame
Lord Lady Baroness Baron Sheikh Sheik Rev. Reverend Father Bishop Archbishop Cardinal Rabbi Imam
Ayatollah Speaker Leader Deputy Detective Det. Inspector Sheriff Officer Constable Superintendent
Spokesman Spokeswoman Spokesperson Coach Agent Sultan Emir Crown Supreme Foreign Defence Defense
Councilman Councilwoman Assemblyman Assemblywoman Alderman Commissioner Trustee Delegate Forward
Fullback Quarterback Linebacker Midfielder Defender Goalkeeper Striker Pitcher Receiver Cornerback
Winger Halfback Kicker Punter Doctor Founder Cofounder Co
Interior Finance Health Transport Transportation Trade Justice Economy Energy Education Culture
Labour Labor Agriculture Environment Commerce Treasury Home Sports Tourism Industry Science
Communications Information Security Intelligence Unification Acting Former Executive Managing
Senior Junior First Second Deputy Assistant Under Minority Majority Opposition Party Head Lance
""")

# The word that must end a title: "Transport Minister", "Vice President".
TITLE_HEADS = _words("""
President Minister Premier Chancellor King Queen Prince Princess Pope Emperor Governor Gov. Senator
Sen. Rep. Representative Congressman Congresswoman Mayor Councillor Councilor General Gen. Lieutenant
Lt. Colonel Col. Major Maj. Commander Cmdr. Admiral Adm. Captain Capt. Sergeant Sgt. Corporal Cpl.
Marshal Brigadier Judge Justice Magistrate Prosecutor Secretary Ambassador Envoy Director Chairman
Chairwoman Chairperson CEO Mr. Mr Mrs. Mrs Ms. Ms Miss Dr. Dr Prof. Professor Sir Dame Lord Lady
Baroness Baron Sheikh Sheik Rev. Reverend Father Bishop Archbishop Cardinal Rabbi Imam Ayatollah
Speaker Leader Detective Det. Inspector Sheriff Officer Constable Superintendent Spokesman
Spokeswoman Spokesperson Coach Agent Sultan Emir Chief Attorney Deputy Councilman Councilwoman
Assemblyman Assemblywoman Alderman Commissioner Trustee Delegate Forward Fullback Quarterback
Linebacker Midfielder Defender Goalkeeper Striker Pitcher Receiver Cornerback Winger Halfback Kicker
Punter Doctor Founder Cofounder
""")

# Heads after which any one or two capitalized words still make a title: "Water Minister".
OPEN_TITLE_HEADS = _words("""
Minister Secretary Commissioner Spokesman Spokeswoman Spokesperson Director Chief Chair Chairman
Chairwoman Ambassador Envoy Adviser Advisor Correspondent Editor Coordinator Attorney Counsel
""")

# Lower-case words right before a name that make it a person: "leader Kim Jong Un".
ROLE_NOUNS = _words("""
leader president minister premier chancellor king queen prince princess pope governor senator
congressman congresswoman mayor general commander admiral captain colonel sergeant lieutenant judge
justice prosecutor attorney lawyer secretary ambassador envoy director chairman chairwoman chief ceo
founder spokesman spokeswoman spokesperson coach player striker actor actress singer rapper star
musician artist author writer novelist poet professor analyst expert economist researcher scientist
historian designer manager owner executive official officer detective inspector sheriff dictator
strongman counterpart deputy aide adviser advisor rep representative publicist agent journalist
reporter correspondent editor photographer pilot driver victim suspect defendant witness resident
teacher student doctor surgeon nurse survivor passenger colleague wife husband son daughter brother
sister mother father uncle aunt cousin boyfriend girlfriend fiance fiancee widow grandson
granddaughter businessman businesswoman billionaire tycoon activist dissident candidate nominee
lawmaker legislator mp diplomat negotiator commentator host presenter anchor comedian filmmaker
director producer boss cleric preacher pastor priest monk
""")

SPEECH_VERBS = _words("""
said says told added wrote stated explained noted argued warned claimed announced confirmed insisted
tweeted testified recalled replied urged admitted denied acknowledged stressed emphasized emphasised
asked responded commented declared
""")

# Lower-case words before a name that make it a place: "in Dunmere", "off Kesswick".
PLACE_PREPOSITIONS = _words("in near from off outside across around toward towards throughout inside into via")

# Lower-case nouns after a name that make it a place: "Kesswick harbour".
PLACE_NOUNS = _words("""
region province oblast county district prefecture governorate krai okrug state territory peninsula
island islands city town village harbour harbor port airport municipality suburb suburbs outskirts
area border coast coastline countryside vicinity highlands valley river lake mountains basin camp
""")

# Of those, the administrative ones that belong in the mention ("the Kursk region")
# but not in the canonical name, so "Kursk region" and "Kursk" link.
ADMIN_DESCRIPTORS = _words("region province oblast prefecture governorate krai okrug raion voivodeship")

# Lower-case nouns after a name that make it a country or region: "the Kesh parliament".
STATE_NOUNS = _words("""
parliament government capital embassy consulate authorities mainland legislature cabinet regime
""")

# "the Republic of Kesh": the state is named by what follows "of".
STATE_PREFIXES = _words("Republic Kingdom Principality Emirate Sultanate Duchy")

# "the town of Dunmere"
PLACE_OF_NOUNS = _words("town city village province region state county district port island capital municipality")

# Words that end an organisation name: "Veyrland Coast Guard", "Orvanne Lake Lines".
ORG_HEADS = _words("""
Council Commission Committee Assembly Parliament Congress Senate Ministry Department Agency Bureau
Office Institute Institution University College School Academy Center Centre Foundation Fund Trust
Party Court Tribunal Police Army Navy Force Forces Guard Guards Corps Brigade Battalion Regiment
Division Militia Bank Company Corporation Corp. Corp Inc. Inc Ltd. Ltd Co. LLC PLC plc Group Holdings
Association Federation Union League Alliance Coalition Organization Organisation Society Service
Services Authority Board Network Industries Enterprises Airlines Airline Airways Lines Railways Railway
Motors Systems Technologies Labs Laboratories Pharmaceuticals Times Post News Wire Gazette Herald
Tribune Journal Observer Ledger Chronicle Telegraph Express Daily Weekly Magazine Review Mirror Star
Sun Standard Independent Press Radio Television Broadcasting Brothers Bros Bros. Advocate Inquirer
Examiner Sentinel Bulletin Dispatch Courier Enquirer Picayune Globe Monitor Beacon Media Reuters Club FC Team Hospital
Clinic Museum Library Church Mosque Cathedral Temple Secretariat Directorate Command Administration
Cabinet Government Inquiry Patrol Watch Initiative Program Programme Project Partners Capital Ventures
Brief Briefing Sinmun
""")

# Organisation heads that start a name: "Department of Justice", "Institute for the Study of War".
ORG_PREFIX_HEADS = _words("""
Council Commission Committee Assembly Ministry Department Agency Bureau Office Institute University
College School Academy Center Centre Foundation Fund Party Court Bank Association Federation Union
League Alliance Organization Organisation Society Board Church House Museum Chamber Order Friends
Coalition Government Parliament Congress Federal Supreme
""")

# Words that end a place name: "Ardmoor Province", "Callow Bridge", "Newport Beach".
PLACE_SUFFIXES = _words("""
Province Region County Oblast Krai Prefecture Governorate District Territory Peninsula Island Islands
River Sea Ocean Mountains Mountain Valley Strait Straits Bay Gulf Bridge Street Avenue Road
Square Highway Boulevard Airport City Beach Springs Falls Heights Hills Park Harbour Harbor Coast
Desert Basin Canal Channel Delta Strip Lake Plain Plains Plateau Forest Glacier Reservoir Dam Township
Village Borough Parish Peak Pass Lagoon Creek Canyon Archipelago Atoll Corridor Oasis Cape Port
Quarter Town Camp Stadium Arena Complex Prison Penitentiary Jail Ave Ave. Blvd Blvd. Rd Rd. Plaza Lane
Terrace Parkway Expressway Turnpike Freeway
""")

# Words that start a place name: "Lake Orvanne", "Mount Everest", "Gulf of Mexico".
PLACE_PREFIXES = _words("""
Lake Mount Mt. Mt Cape Port Fort Ft. Isle Gulf
Sea Bay Strait Lac Loch Glen St St. Saint San Santa
""")

# Words that end an event, law, treaty or other named thing: "Cold War", "Paris Agreement".
MISC_HEADS = _words("""
Treaty Agreement Accord Accords Pact Convention Protocol Act Charter Declaration Doctrine Constitution
War Revolution Uprising Games Olympics Olympiad Cup Championship Championships Tournament Summit
Festival Awards Award Prize Expo Exhibition Marathon Grand Prix Open Bill Amendment Plan Strategy
Memorandum Communique Resolution Statement Index Bowl Series Derby Rally Race Parade Tour Classic
""")

# Words that start such a thing: "Treaty on ...", "Operation Barbarossa", "Hurricane Katrina".
MISC_PREFIX_HEADS = _words("""
Treaty Agreement Accord Pact Convention Protocol Charter Declaration Operation Hurricane Typhoon
Cyclone Storm Tropical Battle Siege Act Festival Exercise Resolution
""")

# Ship prefixes: "MV Saltmarsh Dawn".
VESSEL_PREFIXES = _words("MV MS MT SS RMS HMS USS USNS INS HMAS HMCS FV")

# Lower-case bits after a hyphen that are English, not part of a name: "Russian-backed".
HYPHEN_SUFFIXES = _words("""
led backed based made run owned born bred era style type class like wide free related funded
controlled occupied held allied friendly speaking built designed produced sponsored brokered
supported oriented centric bound bashing leaning language specific level linked origin origins
aligned annexed administered registered flagged listed bound armed trained inspired affiliated
year years old month months week weeks day days time times hour hours minute point mile
dominated focused facing american russian era war wars plus only first level scale
""")

# Particles inside names: "Ursula von der Leyen", "Bashar al-Assad".
NAME_PARTICLES = _words("""
al el ad as ash at az ibn bin bint ben abu de del della
der den di da dos das du la le van von ter ten y d
""")

# Lower-case words that may sit inside a longer name: "Institute for the Study of War".
CONNECTORS = _words("of for on the and de del della der den di da dos das du la le van von al bin ibn y upon")

MONTHS = _words("""
January February March April May June July August September October November December Jan Feb Mar Apr
Jun Jul Aug Sep Sept Oct Nov Dec
""")
WEEKDAYS = _words("""
Monday Tuesday Wednesday Thursday Friday Saturday Sunday Mon
Tue Tues Wed Thu Thur Thurs Fri Sat Sun
""")

# Capitalized words that start sentences or headings but are never names on
# their own. Lower-cased for lookup.
STOP_WORDS = frozenset(w.lower() for w in _words("""
The A An This That These Those It Its It's He She They We I You His Her Hers Their Our My Your Him
Them Us Me One Ones Someone Anyone Everyone Nobody Something Everything Nothing
However But And Or Nor If When While Whilst Although Though After Before During Since As At By For
From In Into On Onto Of To With Within Without Under Over About Above Below Between Among Amongst Amid
Amidst Against Through Throughout Despite Beyond Upon Across Along Around Behind Beside Besides Near
Toward Towards Via Per Unlike Like Until Till Unless Whether Because So Than Then Thus Hence
Therefore Also Meanwhile Moreover Furthermore Additionally Nevertheless Nonetheless Consequently
Still Yet Now Today Yesterday Tomorrow Tonight Here There Where What Which Who Whom Whose Why How
Not No Yes All Any Some Many Most More Much Few Fewer Less Least Several Both Each Every Either
Neither Other Others Another Such Only Even Just Very Already Almost Once Twice Again Ever Never
Always Often Sometimes Perhaps Maybe Indeed Instead Otherwise Overall Rather Recently Currently
Initially Finally Eventually Later Earlier Soon Last Next First Second Third Fourth Fifth Former
Latter Previously Ultimately Apparently Clearly Notably Specifically Similarly Likewise Accordingly
Subsequently Separately Elsewhere Altogether Anyway Besides Regardless Nearly Roughly About Around
Approximately Some Is Are Was Were Be Been Being Has Have Had Do Does Did Will Would Shall Should Can
Could May Might Must Ought Let Lets Please Thank Thanks Hello Dear Oh Ok Okay Well Mr Mrs Ms
Image Images Photo Photos Picture Video Videos Watch Read Listen More Share Comment Comments Advertisement
Sponsored Subscribe Sign Join Login Log Register Click Follow Breaking Update Updated Live Exclusive
Opinion Analysis Editorial Conclusion Introduction Background Summary Overview Key Points Point Related
Context Timeline Impact Implications Reactions Reaction Potential Future Developments Development
Specific Historical History Global International National Regional Local Military Economic Political
Strategic Nuclear Legal Legality Challenge Challenges Rising Cooperation Relations Relationship Treaty
Agreement Pact Law Laws War Wars Conflict Crisis Peace Security Defense Defence Aid Support Sanctions
Regime Program Programme Efforts Engagements Stakeholders Disarmament Provisions Provision Partnership
Partnerships Comprehensive Mutual Alliance Alliances Era New Old Big Small Great Major Minor Top High Low
Official Officials Reports Report Reported Sources Source Experts Expert Analysts Critics Witnesses
Residents Authorities Investigators Prosecutors Police Rescuers Survivors Officers Soldiers Troops
Forces Firefighters Volunteers Workers People Person Man Woman Men Women Children Child Families Family
Government Governments State States Country Countries Nation Nations World Region Regions City Town
Village Area Ministry Department Agency Council Committee Court Army Navy Party Company Group Office
Board Commission Administration Parliament Service Services Bank Union Federation Institute University
North South East West Northern Southern Eastern Western Central Upper Lower Inner Outer Greater
Here's There's That's What's Who's Let's Don't Doesn't Didn't Isn't Aren't Wasn't Weren't Can't Won't
Wouldn't Couldn't Shouldn't I'm I've I'd I'll You're We're They're He's She's
Mission Operation Operations Exercise Exercises Attack Attacks Strike Strikes Missile Missiles Weapons
Weapon Arms Artillery Drone Drones Ammunition Shells Technology Technologies Energy Oil Gas Trade Economy
Market Markets Business Finance Money Tax Taxes Budget Health Care Education Climate Environment
Science Research Study Studies Data Information Intelligence Media Press Internet Web Online Social
Network News Story Stories Article Articles Page Pages Section Chapter Part Parts Notes Note Source
Sources Reference References Copyright Rights Reserved Privacy Terms Contact Home Menu Search
Top Bottom Back Next Previous Continue Loading Posted Published Edited Written Filed Photograph Credit
Caption Getty Via Inside Outside Despite Amid Following Including Based According Regarding
Concerning Considering Given Due Prior Pending Excluding Except Plus Minus Versus Vs
Treaties Deal Deals Talks Summit Meeting Meetings Visit Visits Trip Vote Votes Election Elections
Campaign Campaigns Statement Statements Decision Decisions Decree Decrees Bill Bills Resolution
Resolutions Order Orders Ruling Rulings Case Cases Trial Investigation Inquiry Probe Verdict Sentence
Death Deaths Dead Killed Injured Wounded Missing Victims Victim Casualties Damage Disaster Disasters
Emergency Emergencies Rescue Response Relief Recovery Reconstruction Threat Threats Risk Risks Fear
Fears Concern Concerns Warning Warnings Alert Alerts Tension Tensions Escalation Invasion Occupation
Offensive Counteroffensive Incursion Deployment Deployments Withdrawal Ceasefire Truce Negotiations
Dialogue Diplomacy Diplomatic Bilateral Multilateral Joint Allied Allies Ally Partner Partners Member
Members Leaders Leadership Chief Chiefs Head Heads Staff Team Teams Crew Crews Experts Specialists
Scholars Observers Commentators Journalists Reporters Editors Readers Viewers Users Customers
Consumers Citizens Civilians Residents Locals Migrants Refugees Prisoners Hostages Protesters
Demonstrators Supporters Opponents Critics Voters Lawmakers Legislators Ministers Diplomats Envoys
Generals Commanders Militants Fighters Rebels Separatists Insurgents Terrorists Extremists Gunmen
Attackers Suspects Defendants Witnesses Families Relatives Friends Neighbors Neighbours Colleagues
Although Whereas Wherever Whenever However Whatever Whoever Whichever
Daily Weekly Monthly Annual Yearly Morning Afternoon Evening Night Day Days Week Weeks Month Months
Year Years Decade Decades Century Centuries Hour Hours Minute Minutes Time Times Moment Period
Spring Summer Autumn Fall Winter Christmas Easter
Stay Get Find See Learn Discover Explore Check Download Try Buy Shop Book Visit Call Email Send
Recommended Popular Trending Latest Top Most Best Worst Featured Highlights Highlight Headlines
Headline Topics Topic Tags Tag Categories Category Archive Archives Newsletter Newsletters
Therefore Hence Accordingly Additionally Also Besides Further Furthermore Moreover Again Still
Specialist Special Senior Junior Acting Interim Former Current Incoming Outgoing Retired Late
Western Eastern Northern Southern Westerners Easterners Northerners Southerners
Armed Defensive Offensive Tactical Geopolitical Geographic Regional Continental Transatlantic
Sovereign Sovereignty Territorial Democratic Democracy Republican Republic Socialist Communist
Islamic Muslim Christian Catholic Orthodox Jewish Hindu Buddhist Sunni Shia Shiite
God Lord Heaven Earth Moon Sun Mars Planet
Despite Though Although Unfortunately Fortunately Importantly Interestingly Surprisingly Sadly
Thankfully Hopefully Obviously Certainly Surely Definitely Probably Possibly Likely Unlikely
Reportedly Allegedly Officially Publicly Privately Personally Generally Usually Typically Frequently
Rarely Seldom Occasionally Constantly Continuously Immediately Quickly Slowly Suddenly Gradually
Historically Traditionally Originally Essentially Basically Actually Really Truly Simply Merely
Partly Largely Mostly Mainly Primarily Particularly Especially Increasingly Nevertheless
Thereafter Therein Thereby Herein Hereby Whereby Wherein
Long Short Full Half Whole Entire Total Final Early Late Recent Past Present Future Modern Ancient
Two Three Four Five Six Seven Eight Nine Ten Eleven Twelve Twenty Thirty Forty Fifty Hundred Hundreds
Thousand Thousands Million Millions Billion Billions Dozen Dozens
Manslaughter Homicide Murder Assault Robbery Burglary Theft Fraud Kidnapping Rape Arson
""")).union(w.lower() for w in MONTHS | WEEKDAYS)

# All-capital abbreviations that are not organisations.
ACRONYM_STOP = _words("""
AI TV GDP CEO CFO CTO COO PM AM UTC GMT EST EDT PST PDT CET CEST BST KST JST MSK IST OK ID PC IT DNA
RNA HIV AIDS COVID SARS PR HR IQ USB URL FAQ PHD MP MW GW KW KM KG LB LNG ICBM ICBMS IRBM SLBM UAV
UAVS SUV VIP CCTV DIY ETA RPG ATM RIP SOS GPS PDF HTML API AD BC CE BCE NB PS AKA ASAP FYI VS LGBT
LGBTQ EV EVS CO2 UV ER ICU IVF MRI NGO NGOS IPO ETF ESG SMS IOT VR AR NFT NFTS GPU CPU OS APP APPS
USD EUR GBP JPY CNY RUB KRW UAH INR BTC PPE IED IEDS MLRS HIMARS ATACMS DMZ POW POWS MIA KIA WMD
QB RB WR TE DT DE LB CB TD TDS MVP IR OT DUI DWI KO KOS TKO OEM IP Q1 Q2 Q3 Q4 H1 H2 FY YOY CAGR ROI KPI
B2B B2C FDI R&D M&A P.S. A.M. P.M. ET PT CT MT AP IS MV
""")

# Family names written first, so a lone "Kim" or "Xi" can refer back to the full name.
FAMILY_FIRST_NAMES = frozenset(_words("""
kim lee park choi jung chung kang cho yoon jang lim han oh seo shin kwon hwang ahn song yoo hong jeon
ko moon son yang bae baek xi li wang zhang liu chen zhao huang zhou wu hu mao deng sun ma zhu guo he
""").union(_words("nguyen tran pham le hoang")))

# Given names, for telling "Tara Reid" (a person) from "Kesswick Harbour" (a
# place) where no title or verb says which, and for keeping "Michael Jordan"
# together although "Jordan" is a country.
GIVEN_NAMES = frozenset(n.lower() for n in _words("""
Aaron Adam Adrian Ahmed Aidan Alan Albert Alejandro Alex Alexander Alexandra Alexei Alexey Ali Alice
Alicia Alison Amanda Amy Ana Andrea Andreas Andrei Andrew Andriy Andy Angela Angelina Ann Anna Anne
Anthony Antonio Arthur Ashley Barbara Ben Benjamin Bernard Beth Betty Bill Bob Boris Brandon Brian
Bruce Carl Carlos Carol Caroline Catherine Charles Charlie Charlotte Chen Chris Christian Christina
Christine Christopher Claire Claudia Colin Craig Dan Daniel Daniela Danny David Deborah Dennis Diana
Diane Dmitri Dmitry Dmytro Donald Dong Doug Douglas Edward Elena Elizabeth Ellen Emily Emma Eric
Erik Eva Evan Fatima Felix Fernando Fiona Francesca Francis Frank Fred Gabriel Gary George Georgia
Gerald Gina Giorgio Grace Greg Gregory Hana Hannah Hans Harold Harry Heather Helen Henry Hiroshi
Hugo Hyun Ian Igor Irina Isaac Ivan Jack Jacob James Jamie Jan Jane Janet Jason Javier Jean Jeff
Jeffrey Jennifer Jeremy Jessica Ji Jin Joan Joe John Jonathan Jordan Jorge Jose Joseph Joshua Juan
Judith Julia Julian Julie Julien Justin Karen Karl Kate Katherine Kathleen Kelly Ken Kenneth Kevin
Kim Kyle Larry Laura Lauren Lee Leo Leon Li Linda Lindsay Lisa Liu Louis Louise Lucas Lucy Luis
Luke Maria Marie Mark Martin Mary Matthew Max Maxim Megan Melissa Michael Michelle Miguel Mike
Mikhail Min Mohammed Mohammad Muhammad Nancy Natalia Natalie Nathan Neil Nella Nicholas Nicola
Nicole Nikolai Nina Noah Oleg Oleksandr Olga Oliver Olivia Omar Oscar Pablo Pamela Patricia Patrick
Paul Paula Pedro Peter Philip Pierre Rachel Rafael Ralph Raymond Rebecca Richard Rita Robert Roberto
Roger Ronald Rose Ruth Ryan Sam Samuel Sandra Sang Sara Sarah Scott Sean Sebastian Sergei Sergey
Seung Shirley Simon Sophia Sophie Stephen Steve Steven Stuart Susan Sung Tara Teresa Theresa Thomas
Tim Timothy Tom Tony Tyler Valentina Valery Vasily Victor Victoria Vincent Viktor Vladimir Volodymyr
Walter Wang Wei William Xiao Yan Yang Yevgeny Yong Young Yuri Yusuf Zhang Aldo Alix Hamid Hassan
Hussein Ibrahim Khalid Mahmoud Mustafa Nasser Rashid Said Tariq Yasmin Zainab Abdul Abdullah Priya
Raj Rahul Ravi Sanjay Sunil Amit Anil Arjun Deepak Vijay Kenji Takeshi Yuki Haruto Akira Naoko
Yoko Jae Seo Ho Paris Sydney Chad Israel Florence Austin Lincoln Dakota Virginia Carolina Kerry
Matt Dave Jim Nick Rob Ted Ed Pat Rick Jon Josh Brad Zoe Jenna Malcolm Armando Angelina Bernard Dominic
Keith Larry Russell Todd Wayne Dwayne Terry Tracy Troy Glenn Gordon Howard Jerry Lawrence Leonard Marcus
Mario Marco Luca Giuseppe Francesco Alessandro Andre Antoine Francois Jacques Philippe Nicolas Laurent
Klaus Wolfgang Jurgen Stefan Dieter Helmut Angela Ursula Emmanuel Olaf Boris Vladimir Dmitri Sergei
Alexei Mikhail Viktor Yulia Oksana Petro Vitali Vitaly Mykola Taras Bohdan Natasha Katya Tanya Ilya Ivan
Hamza Bilal Karim Youssef Layla Leila Noor Amir Reza Mehdi Ali Hassan Hussein Omar Osama Saddam Bashar
Recep Ahmet Mehmet Emre Murat Hiro Kazuo Shinzo Taro Ichiro Xi Hu Jiang Deng Narendra Rahul Sonia Indira
Imran Nawaz Benazir Benjamin Ehud Ariel Yitzhak Shimon Golda Naftali Yair Moshe David Avi Ilan Tzipi
Kofi Nelson Jacob Cyril Thabo Uhuru Raila Paul Yoweri Salva Riek Abiy Goodluck Muhammadu Bola Ellen
Lula Jair Dilma Hugo Nicolas Evo Cristina Mauricio Javier Gustavo Andres Felipe Enrique Claudia Gabriela
Justin Stephen Brian Jean Pierre Donald Joe Barack Hillary Bill George Ronald Jimmy Richard Gerald Kamala
Mitch Nancy Chuck Kevin Mike Ron Ted Marco Rand Bernie Elizabeth Alexandria Pete Tulsi Cory Amy Beto
Tiffany Brittany Britney Jennifer Jessica Ashley Amanda Stephanie Nicole Heather Melissa Megan Rachel
Lindsay Tara Paris Kim Kanye Taylor Selena Justin Miley Rihanna Beyonce Oprah Ellen Tom Brad Leonardo
Angelina George Matt Ben Will Chris Ryan Scott Hugh Russell Denzel Morgan Samuel Idris Benedict Daniel
Peyton Eli Tom Drew Aaron Cam Andrew Reggie Pierre Tyler Doug Roger Rafael Novak Andy Serena Venus Maria
Lionel Cristiano Neymar Kylian Erling Harry Wayne Steven Frank Zinedine Diego Pele LeBron Kobe Michael
Kareem Shaquille Stephen Kevin Tiger Phil Rory Jack Arnold Ernie Retief Gary Trevor
""") | {"olena", "yulia", "svetlana", "tatiana", "natalya", "ekaterina", "anastasia"})

# Words skipped before any matching, so "The" never starts an organisation's
# span and "In" before a name still reads as a place cue. Lower-cased.
FUNCTION_WORDS = frozenset(w.lower() for w in _words("""
The A An This That These Those It Its His Her Their Our My Your However But And Or Nor If When While
Whilst Although Though After Before During Since As At By For From In Into On Onto Of To With Within
Without Under Over About Above Below Between Among Amongst Amid Amidst Against Through Throughout
Despite Beyond Upon Across Along Around Behind Near Toward Towards Via Unlike Until Unless Whether
Because So Than Then Thus Hence Therefore Also Meanwhile Moreover Furthermore Additionally
Nevertheless Nonetheless Consequently Still Yet Now Today Yesterday Tomorrow Tonight Here There
Where What Which Who Whom Whose Why How Not No Yes All Any Some Many Most More Much Few Several Both
Each Every Either Neither Other Another Such Only Even Just Very Already Once Last Next First Is Are
Was Were Has Have Had Do Does Did Will Would Should Can Could May Might Must Us We They He She I You
Dear Please Like Off Outside Inside Former Then Current Incoming Outgoing Retired Disgraced Embattled
Ousted Jailed Slain Late
""")) | {w.lower() for w in MONTHS | WEEKDAYS}

# Words that keep their full stop: "Mr.", "St.", "Calif.". Lower-cased, without the stop.
ABBREVIATIONS = frozenset(a.lower() for a in _words("""
Mr Mrs Ms Dr St Jr Sr Inc Co Corp Ltd Gen Lt Col Sgt Capt Adm Gov Sen Rep Prof Rev Hon Mt Ft Det
Cmdr Cpl Maj Messrs
""")) | {
    a.rstrip(".").lower() for a in STATE_ABBREVIATIONS if a.count(".") == 1}
