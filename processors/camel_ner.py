"""camel-tools' AraBERT entity tagger, an optional backend used when its data is installed.

camel-tools downloads its catalogue when ``camel_tools.ner`` is imported, which fails
offline, so the module is imported only after the model's folder has been found.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from processors.errors import BackendUnavailable
from schemas import Token


class CamelBertTagger:
    """Same contract as ``NerTagger.tag``: one IOB label per token of a sentence."""

    def __init__(self, data_dir: Path) -> None:
        model = data_dir / "data" / "ner" / "arabert"
        if not (model / "config.json").is_file():
            raise BackendUnavailable(
                f"camel-tools NER data is not installed: {model} has no model. Install it with "
                f"`camel_data -i ner-arabert` (CAMELTOOLS_DATA={data_dir}), or use the shipped CRF tagger "
                f"(AKHBAR_NER_BACKEND=crf).")
        from camel_tools.ner import NERecognizer

        self._recognizer = NERecognizer(str(model), use_gpu=False)

    def tag(self, tokens: Sequence[Token], registry_tags: Sequence[str]) -> list[str]:
        if not tokens:
            return []
        return list(self._recognizer.predict_sentence([token.norm for token in tokens]))
