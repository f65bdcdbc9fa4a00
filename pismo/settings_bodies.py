"""The bodies competent for questions the organisation does not answer, and their topics.

A part of the settings (``other_bodies``): a letter about one of their topics
gets the not-competent ground (59-FZ Art. 8 p.3) and is forwarded there.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class OtherBody(BaseModel):
    name: str = Field(description="The body that questions on these topics are forwarded to.")
    topics: list[str] = Field(
        description="Regular expressions over the lowercased letter, matched at a word's "
        "start (a stem covers its inflections), that mark a question as this body's."
    )


def default_other_bodies() -> list[OtherBody]:
    return [
        OtherBody(
            name="Социальный фонд России",
            topics=[
                "(?<!на )(?<!с )(?<!моей )пенси(?:я|и|ю|ей|ям|ях)(?!\\w)",  # not «я на пенсии»
                "материнск\\w* капитал",
                "пособи[яеийю]",
            ],
        ),
        OtherBody(
            name="Федеральная налоговая служба",
            topics=["налогов\\w*\\s+(?:вычет|декларац|инспекц)", "3-ндфл"],
        ),
        OtherBody(
            name="Администрация муниципального образования",
            topics=[
                "ремонт\\w* дорог",
                "ям\\w* на дорог",
                "уличн\\w* освещени",
                "благоустройств",
                "вывоз\\w* мусор",
            ],
        ),
        OtherBody(
            name="Управляющая организация, государственная жилищная инспекция",
            topics=["управляющ\\w* компани", "отоплени", "капитальн\\w* ремонт", "горяч\\w* вод"],
        ),
        OtherBody(
            name="Банк, выпустивший карту",
            topics=[
                "кредитн\\w* карт",
                "комисси\\w* банка",
                "банк\\w* (?:заблокировал|списыва)",
                "мой банк",
                "смс-информировани",
                "служб\\w* безопасности (?:сбер|банк)",
            ],
        ),
        OtherBody(
            name="Госавтоинспекция МВД России",
            topics=["гибдд", "гаи(?!\\w)", "госавтоинспекц", "штраф\\w* за превышени", "пдд"],
        ),
        OtherBody(
            name="Полиция (МВД России)",
            topics=[
                "полици",
                "уголовн\\w* дел",
                "(?:позвонил|звонил)\\w*[^.]{0,40}мошенник",
                "мошенник\\w*[^.]{0,30}(?:позвонил|звонил|представил|выманил)",
            ],
        ),
        OtherBody(
            name="АО «Почта России»",
            topics=["посылк", "трек[- ]?номер", "почтов\\w* отправлени"],
        ),
        OtherBody(
            name="Роскомнадзор",
            topics=[
                "роскомнадзор",
                "поддельн\\w* (?:справк|диплом|документ)",
                "заблокир\\w* (?:этот |этого )?сайт",
                "доступ ограничен",
            ],
        ),
        OtherBody(
            name="Гарантирующий поставщик электроэнергии",
            topics=["электроэнерги", "энергосбыт", "за свет(?!\\w)", "счетчик\\w* электр"],
        ),
        OtherBody(
            name="Орган социальной защиты населения",
            topics=[
                "ветеран\\w* труда",
                "соцзащит",
                "социальн\\w* (?:защит|выплат|поддержк)",
                "льгот\\w* (?:ветеран|инвалид|пенсионер)",
            ],
        ),
    ]
