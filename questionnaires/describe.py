"""A questionnaire file in words: what `flask questionnaire check FILE` prints, so a
förbund can see that its own instrument (e.g. NNS's wording) was read as intended."""

from __future__ import annotations

from collections.abc import Callable

from .model import Questionnaire, Text

KIND_NAMES = {"agreement": "instämmande", "frequency": "frekvens", "rating": "skattning"}

# (language code, language name, how many texts it has of all) for the coverage lines.
Coverage = Callable[[Questionnaire], list[tuple[str, str, int]]]


def describe(questionnaire: Questionnaire, coverage: Coverage | None = None) -> str:
    q, about, scale = questionnaire, questionnaire.about, questionnaire.scale
    lines = [
        f"{q.source}: godkänd ({q.ident})",
        f"Namn: {q.name}" + (f" / {about.name_en}" if about.name_en else ""),
        f"Ägare: {about.owner or '(inte angiven: format 1)'}",
        f"Licens: {about.licence or '(inte angiven: format 1)'}",
        f"Rubrik för deltagaren: {q.title.standard}",
        f"Tillfällen: {', '.join(q.occasions)}",
        "",
        f"Skala: {KIND_NAMES[scale.kind]}, {len(scale.steps)} steg, positiva: "
        f"{', '.join(str(v) for v in sorted(scale.positive))}, "
        f"\"vet inte\": {'ja' if scale.dont_know else 'nej'}",
    ]
    for step in scale.steps:
        mark = "+" if step.value in scale.positive else " "
        lines.append(f"  {step.value:>2} {mark} {_both(step.label)}")
    if scale.dont_know is not None:
        lines.append(f"   –   {_both(scale.dont_know)} (sparas utan värde)")
    lines += ["", f"Frågor: {len(q.items)}"]
    for number, item in enumerate(q.items, start=1):
        asked = ", ".join(item.occasions or q.occasions)
        extras = " (kommentar)" if item.comment else ""
        if item.is_choice:
            # Read by what each answer means, not on the scale: no order, no positive side.
            extras += " (val utan ordning, inga positiva svar)"
        lines.append(f"  {number}. {item.id} [{asked}]{extras}: {item.text.standard}")
        if item.text.has_easy:
            lines.append(f"     lättläst: {item.text.easy}")
        if item.help is not None:
            lines.append(f"     hjälptext: {item.help.standard}")
        for step in item.steps:
            lines.append(f"     svar {step.value}: {_both(step.label)}")
        for choice in item.choices:
            lines.append(f"     val {choice.value} ({choice.means}): {_both(choice.label)}")
    for occasion in q.occasions:
        lines.append(f"  vid {occasion}: {len(q.items_at(occasion))} frågor")
    texts = q.texts()
    lines += ["", f"Språk (alla {len(texts)} texter): {', '.join(q.languages())}"]
    if not all(text.has_easy for text in texts):
        lines.append("  lättläst saknas i några texter: där visas standardsvenskan")
    for code, name, count in (coverage(q) if coverage else []):
        state = "komplett" if count == len(texts) else "ofullständig: resten visas på svenska"
        lines.append(f"  {code:<8} {name:<20} {count} av {len(texts)} ({state})")
    return "\n".join(lines)


def _both(text: Text) -> str:
    return f"{text.standard} / {text.easy}" if text.has_easy else text.standard
