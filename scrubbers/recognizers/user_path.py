"""The user-name segment of home-directory paths.

Windows profiles live under ``C:\\Users\\<name>\\`` (``Documents and Settings``
before Vista), macOS homes under ``/Users/<name>/`` and Linux homes under
``/home/<name>/``; stack traces and file errors carry them, and the account name
is often the person's name. Only that segment is replaced, so the path stays
readable: ``C:\\Users\\<USER_PATH>\\AppData\\...``. Doubled backslashes (JSON,
C# string escapes) are accepted. Windows names may contain spaces when a path
separator follows. Windows' shared profiles (Public, Default, All Users) and macOS's
``/Users/Shared`` are not personal; under ``/home`` every folder is an account (``/home/public``
included). File servers follow the same layout by convention: on a share (``\\\\host\\...``), the folder
under ``Staff``, ``Employees``, ``People``, ``Users``, ``Homes`` or ``Profiles`` is one per person, named after
them (``\\\\TT-FS01\\Staff\\Grace Wambui\\Timesheets``).
The directory layout is fixed by the operating systems: score 0.9.
"""

from scrubbers.recognizers._regex import RegexRecognizer

_SEG = r"[^\\/\s:*?\"'<>|;,]+"
_NAME = r"(?P<value>" + _SEG + r"(?:[ ]" + _SEG + r"){1,3}(?=\\|/)|" + _SEG + r")"
USER_PATHS = [
    r"(?<![A-Za-z0-9])(?i:[a-z]:)(?:\\{1,2}|/)(?i:users|documents and settings)(?:\\{1,2}|/)" + _NAME,
    r"(?<![\w.:-])/(?:Users|home)/" + _NAME,
    # Relative forms and tildes: "home/wanjiru/app.log", "Users/priya/...", "~wanjiru/".
    r"(?<![\w.:/-])(?:home|Users)/" + _NAME + r"(?=/)",
    r"(?<![\w/])~(?P<value>[a-z][\w.-]{1,31})(?=/)",
    # A share's per-person folders: \\NAS\Staff\Grace Wambui\..., also with doubled backslashes.
    r"(?<![\w\\])\\{2,4}" + _SEG + r"(?:\\{1,2}" + _SEG + r")*?(?:\\{1,2})"
    r"(?i:staff|employees|people|personnel|users|homes?|profiles|members)(?:\\{1,2})"
    r"(?P<value>" + _SEG + r"(?:[ ]" + _SEG + r"){0,3})(?=\\)",  # a folder, not a file: \\srv\Staff\Rota.xlsx stays
]
_SHARED = frozenset({"public", "default", "default user", "all users", "shared", "guest"})


class UserPathRecognizer(RegexRecognizer):
    def __init__(self):
        super().__init__("USER_PATH", USER_PATHS, score=0.9, precheck=r"(?i)users|documents and settings|home/|~|\\\\")

    def spans(self, text: str) -> list[tuple[int, int]]:
        # The shared profiles are the operating systems' folders under Users; a Linux /home holds accounts only.
        return [
            (start, end)
            for start, end in super().spans(text)
            if text[start:end].casefold() not in _SHARED or text[max(0, start - 5) : start].casefold() == "home/"
        ]
