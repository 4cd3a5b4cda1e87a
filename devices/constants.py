"""ESC/POS bytes we send ourselves, and the bits of DLE EOT status replies.

Sources (see ../shared/REFERENCE.md §2): Epson ESC/POS command reference
(fs_ampersand, gs_exclamation, dle_eot), HPRT TP80K and Epson TM-L60II manuals.
"""

# -- commands ------------------------------------------------------------------------------
ESC_INIT = b"\x1b\x40"  # ESC @  initialise (clears modes, not the receive buffer)
FS_CHINESE_ON = b"\x1c\x26"  # FS &   Chinese (double-byte) character mode on
FS_CHINESE_OFF = b"\x1c\x2e"  # FS .   Chinese mode off
GS_SIZE = b"\x1d\x21"  # GS ! n ASCII size: high nibble width, low nibble height
ASCII_NORMAL = 0x00
LF = b"\n"

# -- real-time status: DLE EOT n, one reply byte ------------------------------------------------
DLE_EOT = b"\x10\x04"
STATUS_PRINTER = 1  # printer status
STATUS_OFFLINE = 2  # offline cause
STATUS_PAPER = 4  # roll paper sensor

REPLY_MASK = 0x93  # every reply is 0xx1xx10b: bits 0,1,4,7 fixed
REPLY_FIXED = 0x12

PRINTER_OFFLINE = 0x08  # n=1 bit3: offline
OFFLINE_COVER_OPEN = 0x04  # n=2 bit2: cover open
OFFLINE_PAPER_END = 0x20  # n=2 bit5: printing stopped at paper end
OFFLINE_ERROR = 0x40  # n=2 bit6: error (cutter, head temperature …)
PAPER_NEAR_END = 0x0C  # n=4 bits2+3: roll near its end
PAPER_END = 0x60  # n=4 bits5+6: paper end

# -- encodings with a Chinese (double-byte) mode --------------------------------------------
CJK_ENCODINGS = frozenset({"gb18030", "gbk", "gb2312", "big5", "cp936", "cp950"})
