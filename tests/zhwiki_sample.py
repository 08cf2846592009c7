"""A small zhwiki-style dump, built in code: what its articles say, and what only its markup holds.

Used by tests/test_wiki.py and benchmarks/wiki.py. Each article mixes prose sentences with
every kind of markup a zhwiki page has (variant markup, references, templates, tables,
files, categories, comments, entities, headings, lists); redirects and talk pages sit
between the articles. ``build`` returns the prose sentences the cleaned text must keep and
the strings that exist only inside markup (none may survive).
"""
import bz2
import html

SITEINFO = """  <siteinfo>
    <sitename>维基百科</sitename>
    <dbname>zhwiki</dbname>
    <namespaces>
      <namespace key="-2" case="first-letter">Media</namespace>
      <namespace key="0" case="first-letter" />
      <namespace key="1" case="first-letter">Talk</namespace>
      <namespace key="6" case="first-letter">File</namespace>
      <namespace key="10" case="first-letter">Template</namespace>
      <namespace key="14" case="first-letter">Jamii</namespace>
    </namespaces>
  </siteinfo>
"""
CITIES = ("北京", "上海", "广州", "深圳", "杭州", "南京", "成都", "武汉", "西安", "重庆")
TOPICS = ("历史", "文化", "经济", "交通", "教育", "气候", "人口", "建筑")


def page_xml(title, ns, text, redirect=None):
    red = f'    <redirect title="{html.escape(redirect)}" />\n' if redirect else ""
    return (f"  <page>\n    <title>{html.escape(title)}</title>\n    <ns>{ns}</ns>\n    <id>1</id>\n{red}"
            f"    <revision>\n      <id>2</id>\n      <model>wikitext</model>\n"
            f'      <text xml:space="preserve">{html.escape(text, quote=False)}</text>\n'
            f"    </revision>\n  </page>\n")


def article(i):
    """``(wikitext, prose sentences, markup-only strings)`` of article ``i``."""
    city, topic = CITIES[i % len(CITIES)], TOPICS[i % len(TOPICS)]
    hidden = [f"模板参数{i}甲", f"引用内容{i}乙", f"表格单元{i}丙", f"分类名称{i}丁", f"图片说明{i}戊",
              f"繁體變體{i}己", f"注释文字{i}庚", f"标题文字{i}辛", f"引用标题{i}壬", f"图像说明{i}癸"]
    prose = [
        f"{city}是中国的重要城市之一，第{i}号条目介绍它的{topic}。",
        f"根据{2000 + i}年的统计，{city}的人口约为{1000 + i * 7}万人。",
        f"{city}的计算机产业在第{i}个五年计划中发展很快！",
        f"许多游客在{city}参观博物馆与公园，体验当地的{topic}。",
        f"The city of {city} is also written in English, with {i * 3} references?",
        f"列表中的第{i}项说明了{city}的交通状况。",
    ]
    text = (
        f"{{{{Infobox city|name={hidden[0]}|population={{{{formatnum:{i}}}}}|image=x.jpg}}}}\n"
        f"'''{city}'''是[[中华人民共和国|中国]]的重要城市之一，第{i}号条目介绍它的{topic}。"
        f"<ref name=\"r{i}\">{hidden[1]}</ref>"
        f"根据{2000 + i}年的统计，{city}的人口约为{1000 + i * 7}万人。"
        f"<ref>{{{{cite web|title={hidden[8]}|url=http://example.org/{i}}}}}</ref>\n\n"
        f"<!-- {hidden[6]} -->\n"
        f"== {hidden[7]} ==\n"
        f"{city}的-{{zh-hans:计算机;zh-hant:{hidden[5]}}}-产业在第{i}个五年计划中发展很快！"
        f"<ref name=\"r{i}\" />\n"
        f"[[File:{city}.jpg|thumb|{hidden[4]}[[链接]]]]\n"
        f"[[图像:{city}2.png|缩略图|{hidden[9]}]]\n"
        f"许多游客在{city}参观[[博物馆]]与公园，体验当地的''{topic}''。\n"
        f"{{| class=\"wikitable\"\n|-\n! 项目 !! 数值\n|-\n| {hidden[2]} || {{{{nowrap|{i}}}}}\n|}}\n"
        f"The city of {city} is also written in English,&nbsp;with {i * 3} references?\n"
        f"* 列表中的第{i}项说明了[[{city}市|{city}]]的交通状况。\n"
        f"{{{{Reflist}}}}\n"
        f"[[Category:{hidden[3]}]]\n[[分类:{city}]]\n[[Jamii:{hidden[3]}]]\n"
    )
    return text, prose, hidden


def build(path, n_articles=30):
    """Write a zhwiki-style dump (``.bz2`` if ``path`` ends so); return (prose, hidden, counts).

    ``counts``: articles, redirects and talk pages written.
    """
    parts = ['<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/" xml:lang="zh">\n', SITEINFO]
    prose, hidden = [], []
    redirects = talk = 0
    for i in range(n_articles):
        text, p, h = article(i)
        parts.append(page_xml(f"条目{i}", 0, text))
        prose.extend(p)
        hidden.extend(h)
        if i % 5 == 0:
            parts.append(page_xml(f"重定向{i}", 0, f"#重定向 [[条目{i}]]", redirect=f"条目{i}"))
            parts.append(page_xml(f"旧重定向{i}", 0, f"#REDIRECT [[条目{i}]]"))
            redirects += 2
        if i % 7 == 0:
            secret = f"讨论页内容{i}"
            parts.append(page_xml(f"Talk:条目{i}", 1, f"{secret}。请讨论。"))
            hidden.append(secret)
            talk += 1
    parts.append("</mediawiki>\n")
    data = "".join(parts).encode("utf-8")
    with open(path, "wb") as f:
        f.write(bz2.compress(data) if str(path).endswith(".bz2") else data)
    return prose, hidden, {"articles": n_articles, "redirects": redirects, "talk": talk}
