BBBB BBBBBB BBBBBBBB
XXXX XXXXXXXXXXXXXXXX XXXXXXXXXXXXX
  XXXX gettext(u'Konflikt: någon annan har sparat under tiden') XXXXX
  XXX gettext(u'Ditt förslag är inte sparat. Jämför versionerna, ändra i formuläret och spara igen om du vill ersätta den andras version.') XXXX
  XXXX XXXXXXXXXXXXXXXXX
    XXXXXXXXX gettext(u'Sparad version') BB BBBBBBBBBBBB X FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFBBBBBBB BBBBBBBBBBBBBX FFFFFFFFFFF FFFFBBBBBXXXXXXXXXXXXXXXXXXXXXX
    XXXXXXXXX gettext(u'Din version') XXXXXXXXXXXXXXXXXXXXXX
  XXXXXX
XXXXXX
BBBBB
