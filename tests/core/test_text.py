from territori.io.text import fold


def test_fold_removes_accents_case_and_punctuation():
    assert fold("Leinì") == "leini"
    assert fold("  Vialfrè / MAZZÈ ") == "vialfre mazze"
    assert fold("Val d'Aosta") == "val d aosta"
