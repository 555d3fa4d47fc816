"""One colour code for the whole app (Okabe-Ito, safe for colour-blind readers), always paired with a
line style or a label so that no meaning rests on colour alone (grey projectors, printouts)."""

TRUE_CLASS = "#0072B2"   # blue
WRONG_CLASS = "#D55E00"  # vermillion
ONE_HOT = "#CC79A7"      # reddish purple
SMOOTHED = "#009E73"     # bluish green
REFERENCE = "#7F7F7F"    # grey: closed forms and theory curves
INK = "#111111"          # text drawn over a bar

ONE_HOT_DASH = "solid"
SMOOTHED_DASH = "dashdot"
OPTIMUM_DASH = "dash"    # closed-form optimum
THEORY_DASH = "dot"      # theory curves such as log(lr K t)

ONE_HOT_PATTERN = ""     # bar fill patterns: one-hot plain, smoothed hatched
SMOOTHED_PATTERN = "/"

# three classes picked on the training page: colour and marker shape both differ
CLASS_COLOURS = ("#E69F00", "#56B4E9", "#882255")   # orange, sky blue, wine
CLASS_SYMBOLS = ("circle", "square", "diamond")
