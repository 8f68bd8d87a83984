"""ReportLab formats every coordinate and measures every string it draws; since ReportLab 4 the
C versions come from the separate rl_accel package, and without it the archive's household files
render a fifth slower. Installing the program must bring them."""


def test_reportlab_uses_its_c_accelerators():
    from reportlab.lib import rl_accel

    for name in ("fp_str", "escapePDF", "instanceStringWidthTTF"):
        assert getattr(rl_accel, name).__module__ == "_rl_accel", name
