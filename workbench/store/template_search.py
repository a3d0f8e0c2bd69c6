"""Finding templates by what a person types: name, description and tags, in either language.

Plain data only (no database): the Library panel filters its list with it before the history
database has even opened.
"""

from __future__ import annotations

from workbench.store.template_records import TemplateInfo

# Tags of the starter library with their words in the other language (and close words), so that
# the Library's filter finds a template in either language: 攻击 finds prompt-injection.
TAG_WORDS: tuple[tuple[str, ...], ...] = (
    ("zh", "中文", "chinese"),
    ("en", "英文", "english"),
    ("security", "安全"),
    ("prompt-injection", "prompt injection", "提示词注入", "注入", "攻击", "防范", "防御", "attack", "defence", "defense"),
    ("sentiment", "情感", "舆情"),
    ("classification", "分类"),
    ("clustering", "聚类"),
    ("call-centre", "call-center", "客服", "坐席"),
    ("quality-check", "质检", "quality"),
    ("json", "格式", "结构化", "format"),
    ("extraction", "抽取", "提取"),
    ("rag", "知识库", "检索", "knowledge"),
    ("qa", "问答"),
    ("math", "数学", "算术", "arithmetic"),
    ("cot", "思维链", "chain of thought", "chain-of-thought"),
    ("demo", "示例", "演示", "example"),
    ("next-token", "下一个词元", "预测"),
)
_TAG_WORDS = {word.casefold(): group for group in TAG_WORDS for word in group}


def search_text(info: TemplateInfo) -> str:
    """What a filter looks in: the name, description and tags, each tag with its words in both
    languages; casefolded."""
    words = [info.name, info.description]
    for tag in info.tags:
        words += _TAG_WORDS.get(tag.casefold(), (tag,))
    return "\n".join(words).casefold()


def matches(info: TemplateInfo, query: str) -> bool:
    """Whether every word of ``query`` is in the template's name, description or tags (either
    language); an empty query matches everything."""
    text = search_text(info)
    return all(word in text for word in query.casefold().split())
