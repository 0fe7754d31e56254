"""Participation in the demo.

Real (seed 004 and reference/torino.yaml; organisations only, never people's names):
- the participatory process of the PSM 2024-2026 with its four phases;
- the Cabina di regia and its first meeting (online, 18 September 2023, 10:00, 60 minutes,
  38 participants) with the organisations present and a restitution written from seed 004;
- the launch event of 27 September 2023 (time and place not in the sources);
- the Forum Missioni and its first conference, "Domani inizia oggi", 28 November 2024,
  Environment Park, Torino (time not in the sources).

Illustrative (flagged, "dato dimostrativo"): an open process of Forum labs with meetings
open for registration, three demo participant accounts (no real people), contributions with
answers, a questionnaire with responses, two newsletter issues, contact points.

Loaded once: if the PSM process exists, nothing is written.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils import timezone

from territori.atlas.models import Organisation
from territori.core.models import DataStatus
from territori.frameworks.models import Node
from territori.io.text import fold
from territori.territories.models import Territory

ROME = ZoneInfo("Europe/Rome")
SEED_004 = "Restituzione del primo incontro della Cabina di regia, 18/09/2023 (seed 004)"
DEMO = "dato dimostrativo"

#: The organisations at the first meeting of the Cabina di regia (reference/torino.yaml).
CABINA = [
    ("agci-piemonte", "AGCI Piemonte", "trade_association"),
    ("ance-torino", "ANCE Torino", "trade_association"),
    ("api-torino", "API Torino", "trade_association"),
    ("ascom", "ASCOM", "trade_association"),
    ("cciaa-torino", "Camera di commercio di Torino", "public_body"),
    ("cgil-torino", "CGIL Torino", "union"),
    ("cia-agricoltori-alpi", "CIA Agricoltori delle Alpi", "trade_association"),
    ("cisl-torino-canavese", "CISL Torino-Canavese", "union"),
    ("citta-metropolitana-torino", "Città metropolitana di Torino", "public_body"),
    ("cna-torino", "CNA Torino", "trade_association"),
    ("confagricoltura-torino", "Confagricoltura Torino", "trade_association"),
    ("confartigianato-torino", "Confartigianato Torino", "trade_association"),
    ("confesercenti-torino", "Confesercenti Torino e Provincia", "trade_association"),
    ("environment-park", "Environment Park", "company"),
    ("fondazione-crt", "Fondazione CRT", "foundation"),
    ("fondazione-piemonte-innova", "Fondazione Piemonte Innova", "foundation"),
    ("politecnico-torino", "Politecnico di Torino", "university"),
    ("zona-ovest-torino", "Società Zona Ovest di Torino", "company"),
    ("ugl-piemonte", "UGL Piemonte", "union"),
    ("universita-torino", "Università degli studi di Torino", "university"),
]
CABINA_COMUNI = [
    "Bollengo",
    "Carmagnola",
    "Ciriè",
    "Druento",
    "Gassino Torinese",
    "Ivrea",
    "Riva presso Chieri",
    "San Benigno Canavese",
    "Villarbasse",
]

PHASES = [
    (
        1,
        "Analisi",
        "Analysis",
        dt.date(2023, 7, 1),
        dt.date(2023, 10, 31),
        "Aggiornare l'analisi socio-economica dell'area metropolitana e dare prime indicazioni per "
        "riorientare il PSM vigente in coerenza con le missioni dell'Agenda metropolitana per lo "
        "sviluppo sostenibile (con il supporto di IRES Piemonte).",
        False,
        False,
    ),
    (
        2,
        "Ascolto",
        "Listening",
        dt.date(2023, 10, 1),
        dt.date(2023, 11, 30),
        "Far emergere e raccogliere le esigenze e i desiderata del territorio metropolitano sulla "
        "prossima pianificazione strategica.",
        True,
        True,
    ),
    (
        3,
        "Co-pianificazione",
        "Co-planning",
        dt.date(2023, 11, 1),
        dt.date(2023, 12, 31),
        "Individuare, insieme al territorio, i temi prioritari, le idee progettuali e le strategie "
        "per aggiornare il Piano Strategico Metropolitano.",
        False,
        True,
    ),
    (
        4,
        "Approvazione e restituzione pubblica",
        "Approval and public feedback",
        dt.date(2023, 12, 1),
        dt.date(2024, 1, 31),
        "Approvazione del PSM e successiva presentazione dei risultati al pubblico.",
        False,
        False,
    ),
]

CABINA_MINUTES = """
<h2>Obiettivi del processo partecipativo</h2>
<p>Raccogliere criticità rispetto all'attuazione del Piano vigente; raccogliere idee, istanze e
nuove esigenze utili ad aggiornare e riorientare le strategie; ampliare la rete degli attori
coinvolti, intensificandone le relazioni o creandone di nuove.</p>
<h2>Le fasi</h2>
<ol><li>Analisi (luglio-ottobre 2023)</li><li>Ascolto (ottobre-novembre 2023)</li>
<li>Co-pianificazione (novembre-dicembre 2023)</li>
<li>Approvazione del PSM e presentazione dei risultati (dicembre 2023-gennaio 2024)</li></ol>
<h2>Il ruolo della Cabina di regia</h2>
<p>Rappresentanza e supporto alle relazioni con il territorio; supporto metodologico-scientifico
per condividere in anticipo metodi, contenuti e risultati e adeguare il processo. Al termine
del processo la Cabina potrebbe diventare un Tavolo di coordinamento o una struttura volontaria
di governance per l'attuazione e il monitoraggio del Piano.</p>
<h2>Il confronto</h2>
<ul><li>Serve maggiore coerenza tra le pianificazioni strategiche esistenti, per non
moltiplicare i tavoli che impegnano le amministrazioni comunali.</li>
<li>Criticità: le zone omogenee non corrispondono alle aggregazioni previste dalla Regione
Piemonte per le Strategie Urbane d'Area (SUA). La Città metropolitana ha risposto che il
suggerimento sarà recepito nel metodo di aggiornamento del Piano.</li>
<li>Richiesta di incontri in presenza sui territori: confermati per la fase di
co-pianificazione, probabilmente per aggregazioni di zone omogenee.</li></ul>
<p>Partecipanti: 38 (elenco nominativo nell'allegato della restituzione, non riportato qui).</p>
"""


def _at(day: dt.date, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=ROME)


def _comune(name: str) -> Territory:
    wanted = fold(name)
    for territory in Territory.objects.filter(kind=Territory.Kind.COMUNE, name__iexact=name):
        return territory
    for territory in Territory.objects.filter(kind=Territory.Kind.COMUNE):
        if fold(territory.name) == wanted:
            return territory
    raise LookupError(name)


def _point(territory: Territory) -> tuple[float, float] | tuple[None, None]:
    """A point inside the comune (for illustrative meetings only)."""
    from shapely.geometry import shape

    if not territory.boundary:
        return None, None
    point = shape(territory.boundary).representative_point()
    return round(point.y, 6), round(point.x, 6)


def demo_participation_load(today: dt.date | None = None, *, illustrative: bool = True) -> int:
    """Load the participation demo (its illustrative part only with `illustrative`); returns
    the rows written (0 when already loaded)."""
    from territori.participation.models import Process

    if Process.objects.filter(code="psm-2024-2026").exists():
        return 0
    today = today or timezone.localdate()
    written = _real(today)
    if illustrative:
        written += _illustrative(today)
    return written


def _organisations() -> dict[str, Organisation]:
    found = {}
    for code, name, kind in CABINA:
        found[code], _created = Organisation.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "status": DataStatus.CONFIRMED}
        )
    found["avventura-urbana"], _created = Organisation.objects.get_or_create(
        code="avventura-urbana",
        defaults={"name": "Avventura Urbana", "kind": "company", "status": DataStatus.CONFIRMED},
    )
    for name in CABINA_COMUNI:
        comune = _comune(name)
        found[f"comune-{comune.code}"], _created = Organisation.objects.get_or_create(
            code=f"comune-{comune.code}",
            defaults={
                "name": f"Comune di {comune.name}",
                "kind": "comune",
                "territory": comune,
                "status": DataStatus.CONFIRMED,
            },
        )
    return found


def _real(today: dt.date) -> int:
    from territori.participation.models import (
        AgendaItem,
        Body,
        BodyMember,
        Meeting,
        Process,
        ProcessPhase,
    )

    organisations = _organisations()
    psm = Node.objects.filter(framework__code="psm-2024-2026", level="asse")
    process = Process.objects.create(
        code="psm-2024-2026",
        title_it="Processo partecipativo per il Piano Strategico Metropolitano 2024-2026",
        title_en="Participatory process for the Metropolitan Strategic Plan 2024-2026",
        description_it=(
            "Il processo di pianificazione strategica per aggiornare il Piano Strategico "
            "Metropolitano, tra settembre e dicembre 2023: incontri della Cabina di regia, "
            "evento di lancio, incontri territoriali, focus group e un modulo online per "
            "contributi e documenti."
        ),
        description_en=(
            "The strategic planning process that updated the Metropolitan Strategic Plan, "
            "September to December 2023: steering committee meetings, a launch event, "
            "territorial meetings, focus groups and an online form for contributions."
        ),
        status=Process.Status.CLOSED,
        sources=SEED_004 + "; Piano approvato dalla Conferenza metropolitana il 19/07/2024",
        data_status=DataStatus.CONFIRMED,
    )
    process.nodes.set(psm)
    for n, it, en, start, end, text, contributions, meetings in PHASES:
        ProcessPhase.objects.create(
            process=process,
            position=n,
            title_it=it,
            title_en=en,
            start=start,
            end=end,
            description_it=text,
            contributions_open=contributions,
            meetings_open=meetings,
        )
    cabina = Body.objects.create(
        code="cabina-di-regia-psm",
        kind=Body.Kind.STEERING,
        name_it="Cabina di regia del Piano Strategico Metropolitano",
        name_en="Steering committee of the Metropolitan Strategic Plan",
        description_it=(
            "Formata dalle rappresentanze delle Zone omogenee e delle principali categorie di "
            "attori del territorio, per il coordinamento metodologico-scientifico del processo."
        ),
        description_en=(
            "Representatives of the zone omogenee and of the main groups of actors, for the "
            "methodological and scientific coordination of the process."
        ),
        process=process,
        sources=SEED_004,
        data_status=DataStatus.PARTIAL,
    )
    attending = [o for code, o in organisations.items() if code != "avventura-urbana"]
    for organisation in attending:
        BodyMember.objects.create(body=cabina, organisation=organisation)
    BodyMember.objects.create(
        body=cabina,
        organisation=organisations["avventura-urbana"],
        role=BodyMember.Role.FACILITATOR,
    )
    first = Meeting.objects.create(
        code="cabina-2023-09-18",
        kind=Meeting.Kind.STEERING,
        title_it="Primo incontro della Cabina di regia",
        title_en="First meeting of the steering committee",
        description_it="Incontro online di 60 minuti sugli obiettivi e le tappe del processo.",
        description_en="A 60-minute online meeting on the aims and stages of the process.",
        process=process,
        phase=process.phases.get(position=1),
        body=cabina,
        starts_at=_at(dt.date(2023, 9, 18), 10),
        ends_at=_at(dt.date(2023, 9, 18), 11),
        place_name="",
        online_url="",
        accessibility_it="Incontro online.",
        accessibility_en="Online meeting.",
        minutes=CABINA_MINUTES,
        minutes_published_at=_at(dt.date(2023, 9, 18), 11),
        reported_attendance=38,
        sources=SEED_004,
        data_status=DataStatus.CONFIRMED,
    )
    first.attending_organisations.set([*attending, organisations["avventura-urbana"]])
    for position, title in enumerate(
        [
            "Introduzione (Avventura Urbana)",
            "Le Linee di indirizzo per il PSM 2024-2026, approvate dal Consiglio metropolitano a maggio 2023",
            "Obiettivi e tappe del processo partecipativo",
            "Ruolo, composizione e organizzazione della Cabina di regia",
            "La scaletta dell'evento di lancio del 27 settembre 2023",
            "Confronto e discussione",
        ],
        start=1,
    ):
        AgendaItem.objects.create(meeting=first, position=position, title_it=title)
    launch = Meeting.objects.create(
        code="lancio-2023-09-27",
        kind=Meeting.Kind.EVENT,
        title_it="Verso il nuovo Piano Strategico Metropolitano",
        title_en="Towards the new Metropolitan Strategic Plan",
        description_it=(
            "Evento di lancio aperto agli amministratori pubblici, ai principali portatori "
            "d'interesse e alla cittadinanza: linee di indirizzo, stato di attuazione del Piano "
            "vigente, struttura e tappe del processo. Orario e luogo da completare."
        ),
        description_en=(
            "Launch event open to public administrators, stakeholders and all citizens. "
            "Time and place still to be completed."
        ),
        process=process,
        phase=process.phases.get(position=1),
        starts_at=_at(dt.date(2023, 9, 27)),
        ends_at=_at(dt.date(2023, 9, 27), 23, 59),
        time_known=False,
        sources=SEED_004,
        data_status=DataStatus.PARTIAL,
    )
    for position, title in enumerate(
        [
            "Presentazione delle linee di indirizzo e dello stato di attuazione del Piano vigente",
            "Struttura e tappe del processo di pianificazione strategica",
            "Tavola rotonda: prospettive e priorità per ciascuno dei sei assi strategici",
            "Discussione in plenaria",
        ],
        start=1,
    ):
        AgendaItem.objects.create(meeting=launch, position=position, title_it=title)
    forum = Body.objects.create(
        code="forum-missioni",
        kind=Body.Kind.FORUM,
        name_it="Forum Missioni",
        name_en="Missions Forum",
        description_it=(
            "Il luogo di dialogo tra la Città metropolitana, gli attori del territorio e gli enti "
            "sovra-ordinati, organizzato per Missioni dell'Agenda, con laboratori e una "
            "conferenza annuale. Elenco dei membri da caricare."
        ),
        description_en=(
            "Where the Metropolitan City, local actors and higher-level bodies meet, organised "
            "by the Agenda's Missions, with labs and an annual conference. Members still to be "
            "loaded."
        ),
        sources=(
            "Proposta 2024 (seed 002), azioni 3.1.a e 3.1.c; regolamento DCR n. 285 del "
            "16/10/2025, sperimentale fino a settembre 2026 (reference/torino.yaml)"
        ),
        data_status=DataStatus.PARTIAL,
    )
    Meeting.objects.create(
        code="forum-2024-11-28",
        kind=Meeting.Kind.CONFERENCE,
        title_it="Domani inizia oggi – prima conferenza del Forum Missioni",
        title_en="Tomorrow starts today – first conference of the Missions Forum",
        body=forum,
        starts_at=_at(dt.date(2024, 11, 28)),
        ends_at=_at(dt.date(2024, 11, 28), 23, 59),
        time_known=False,
        place_name="Environment Park",
        comune=_comune("Torino"),
        zone=Territory.objects.filter(kind=Territory.Kind.ZONA, number=1).first(),
        sources="reference/torino.yaml (forum_missioni.first_conference)",
        data_status=DataStatus.PARTIAL,
    )
    return 4 + len(PHASES) + len(attending) + 1 + 3


def _illustrative(today: dt.date) -> int:
    from territori.participation.models import (
        AgendaItem,
        Body,
        ConsentRecord,
        ContactPoint,
        Contribution,
        Meeting,
        NewsletterBlock,
        NewsletterIssue,
        Process,
        ProcessPhase,
        Support,
    )
    from territori.participation.services.newsletter import issue_compose

    rng = random.Random(2026)
    users = []
    User = get_user_model()
    for n in range(1, 4):
        user, _created = User.objects.get_or_create(
            username=f"partecipante{n}@demo.invalid",
            defaults={"email": f"partecipante{n}@demo.invalid"},
        )
        user.set_unusable_password()
        user.save()
        from territori.participation.models import Participant

        Participant.objects.get_or_create(
            user=user,
            defaults={
                "display_name": f"Partecipante demo {n}",
                "email_verified_at": _at(dt.date(2026, 1, 10), 9),
            },
        )
        users.append(user)
    missions = list(
        Node.objects.filter(framework__code="amsvs-torino", level="missione").order_by(
            "order", "code"
        )
    )
    axes = list(Node.objects.filter(framework__code="psm-2024-2026", level="asse").order_by("code"))
    zones = list(Territory.objects.filter(kind=Territory.Kind.ZONA).order_by("number"))
    year = today.year
    process = Process.objects.create(
        code="demo-laboratori-forum",
        title_it="Laboratori del Forum Missioni (dato dimostrativo)",
        title_en="Missions Forum labs (demo data)",
        description_it=(
            "Processo dimostrativo per provare la piattaforma: proposte online, laboratori "
            "per Missione con iscrizione, un questionario. Contenuti inventati."
        ),
        description_en="A demo process to try the platform. Invented content.",
        status=Process.Status.OPEN,
        sources=DEMO,
        data_status=DataStatus.ILLUSTRATIVE,
    )
    process.nodes.set(missions[:3])
    listening = ProcessPhase.objects.create(
        process=process,
        position=1,
        title_it="Proposte online",
        title_en="Online proposals",
        start=dt.date(year, 1, 1),
        end=dt.date(year + 1, 12, 31),
        description_it="Proposte, osservazioni e documenti sulle Missioni.",
        contributions_open=True,
        meetings_open=True,
        questionnaires_open=True,
    )
    ProcessPhase.objects.create(
        process=process,
        position=2,
        title_it="Restituzione",
        title_en="Feedback",
        start=dt.date(year + 2, 1, 1),
        end=dt.date(year + 2, 3, 31),
        description_it="Risposte ufficiali e sintesi dei laboratori.",
    )
    forum = Body.objects.get(code="forum-missioni")
    labs = [
        ("Chivasso", 10, 30, "Laboratorio Missione 1.2: green economy e imprese"),
        ("Chieri", 11, 25, "Laboratorio: mobilità sostenibile nel Chierese"),
        ("Cuorgnè", 8, 40, "Laboratorio: comunità energetiche nel Canavese"),
    ]
    written = 0
    for index, (name, zone_number, capacity, title) in enumerate(labs, start=1):
        comune = _comune(name)
        latitude, longitude = _point(comune)
        day = dt.date(year + 1, 2, 3) + dt.timedelta(days=14 * index)
        meeting = Meeting.objects.create(
            code=f"demo-laboratorio-{index}",
            kind=Meeting.Kind.LAB,
            title_it=f"{title} ({DEMO})",
            title_en=f"Demo lab {index} (demo data)",
            description_it="Laboratorio dimostrativo: contenuti e luogo inventati.",
            process=process,
            phase=listening,
            body=forum,
            starts_at=_at(day, 14, 30),
            ends_at=_at(day, 17, 30),
            place_name=f"Sala consiliare (dimostrativa), Comune di {comune.name}",
            comune=comune,
            latitude=latitude,
            longitude=longitude,
            accessibility_it="Sala al piano terra, accessibile in sedia a ruote; su richiesta interpretariato LIS.",
            accessibility_en="Ground-floor room, wheelchair accessible; Italian Sign Language on request.",
            zone=next((z for z in zones if z.number == zone_number), None),
            registration_required=True,
            capacity=capacity,
            sources=DEMO,
            data_status=DataStatus.ILLUSTRATIVE,
        )
        meeting.nodes.set(missions[index - 1 : index])
        for position, (item, minutes) in enumerate(
            [
                ("Accoglienza e presentazione", 20),
                ("Lavoro ai tavoli", 110),
                ("Restituzione in plenaria", 50),
            ],
            start=1,
        ):
            AgendaItem.objects.create(
                meeting=meeting, position=position, title_it=item, duration=minutes
            )
        written += 4
    online = Meeting.objects.create(
        code="demo-focus-online",
        kind=Meeting.Kind.FOCUS_GROUP,
        title_it=f"Focus group online con le scuole ({DEMO})",
        title_en="Online focus group with schools (demo data)",
        process=process,
        phase=listening,
        starts_at=_at(dt.date(year + 1, 3, 20), 17),
        ends_at=_at(dt.date(year + 1, 3, 20), 18, 30),
        online_url="https://example.org/demo-focus-group",
        accessibility_it="Sottotitoli automatici attivi.",
        registration_required=True,
        capacity=15,
        sources=DEMO,
        data_status=DataStatus.ILLUSTRATIVE,
    )
    online.nodes.set(missions[3:4])
    topics = [
        (
            "proposal",
            "Sportello unico per le comunità energetiche",
            "Un punto di contatto metropolitano che accompagni i comuni piccoli nella costituzione di comunità energetiche rinnovabili, con modelli di statuto e supporto tecnico.",
        ),
        (
            "observation",
            "Trasporto pubblico nelle valli la sera",
            "Dopo le 20 molte valli restano senza collegamenti: chi lavora su turni usa l'auto. Servirebbe un servizio a chiamata coordinato tra comuni.",
        ),
        (
            "proposal",
            "Mappa delle aree dismesse da rigenerare",
            "Un censimento aperto delle aree produttive dismesse, con dati catastali e vincoli, per orientare i progetti di rigenerazione e il consumo di suolo zero.",
        ),
        (
            "proposal",
            "Formazione digitale per le piccole imprese",
            "Corsi brevi nei comuni sopra i 5.000 abitanti su fatturazione elettronica, e-commerce e sicurezza informatica, con le associazioni di categoria.",
        ),
        (
            "observation",
            "Dati sulla raccolta differenziata per comune",
            "Sarebbe utile vedere l'andamento della raccolta differenziata comune per comune e il confronto con l'obiettivo del 65%.",
        ),
        (
            "proposal",
            "Comunità energetiche nelle scuole",
            "Usare i tetti delle scuole superiori metropolitane per impianti fotovoltaici condivisi con le comunità energetiche del territorio.",
        ),
        (
            "observation",
            "Piste ciclabili interrotte tra comuni confinanti",
            "Molti tratti ciclabili finiscono al confine comunale: serve un piano metropolitano che li colleghi.",
        ),
        (
            "proposal",
            "Orti urbani e filiera corta",
            "Mettere in rete gli orti urbani con i mercati contadini della zona per una filiera corta e l'educazione alimentare.",
        ),
        (
            "proposal",
            "Trasporto a chiamata per le aree montane",
            "Un servizio di trasporto a chiamata prenotabile con app e telefono per le frazioni montane, integrato con gli orari dei treni.",
        ),
        (
            "observation",
            "Accessibilità delle sedi degli incontri",
            "Chiedo che tutti gli incontri territoriali indichino in anticipo l'accessibilità delle sale e la possibilità di seguire online.",
        ),
        (
            "proposal",
            "Rete dei musei per la sostenibilità",
            "I musei del territorio potrebbero proporre percorsi comuni sui temi dell'Agenda, con le scuole e le biblioteche.",
        ),
        (
            "document",
            "Osservazioni di un'associazione sul consumo di suolo",
            "In allegato le osservazioni dell'associazione (documento dimostrativo).",
        ),
    ]
    statuses = ["received", "evaluating", "accepted", "incorporated", "rejected", "received"]
    answers = {
        "accepted": "La proposta è accolta e sarà discussa nel laboratorio della Missione indicata. (Risposta dimostrativa.)",
        "incorporated": "La proposta è stata recepita nella scheda di azione del Piano. (Risposta dimostrativa.)",
        "rejected": "La proposta non è accolta perché riguarda competenze regionali; è stata inoltrata alla Regione. (Risposta dimostrativa.)",
        "evaluating": "",
    }
    for index, (kind, title, body) in enumerate(topics):
        if kind == "document":
            kind = "observation"  # a document needs a file: the demo has none
        status = statuses[index % len(statuses)]
        author = users[index % len(users)]
        created = _at(dt.date(year, 1, 15) + dt.timedelta(days=9 * index), 10 + index % 8)
        contribution = Contribution.objects.create(
            process=process,
            phase=listening,
            author=author,
            author_name=f"Partecipante demo {index % len(users) + 1}",
            kind=kind,
            title=title,
            body=body + f" ({DEMO})",
            zone=zones[index % len(zones)] if index % 3 else None,
            status=status,
            answer=answers.get(status, ""),
            answered_at=created + dt.timedelta(days=20) if answers.get(status) else None,
            created_at=created,
            data_status=DataStatus.ILLUSTRATIVE,
        )
        contribution.nodes.set([missions[index % 4], axes[index % len(axes)]])
        supporters = rng.sample(users, rng.randint(0, len(users)))
        for supporter in supporters:
            Support.objects.create(contribution=contribution, user=supporter)
        contribution.support_count = len(supporters)
        contribution.save(update_fields=["support_count"])
        written += 1
    written += _questionnaire(process, rng, year)
    for organisation in Organisation.objects.filter(code__startswith="demo-org-").order_by("code")[
        :5
    ]:
        contact = ContactPoint.objects.create(
            organisation=organisation,
            function="Segreteria (dimostrativa)",
            email=f"segreteria.{organisation.code}@demo.invalid",
        )
        ConsentRecord.objects.create(
            contact=contact,
            purpose=ConsentRecord.Purpose.CONTACT,
            text_version="demo",
            text="Consenso dimostrativo: l'organizzazione accetta di essere invitata agli incontri.",
            given_at=_at(dt.date(year, 1, 10), 9),
        )
        written += 2
    for number, (subject, heading, text, sent) in enumerate(
        [
            (
                "Il Forum Missioni riparte",
                "Editoriale",
                "Riprendono i laboratori del Forum: ecco come partecipare. (Testo dimostrativo.)",
                dt.date(year, 3, 1),
            ),
            (
                "Le prime risposte ai contributi",
                "Editoriale",
                "Abbiamo risposto ai primi contributi online: trovate qui sotto gli esiti. (Testo dimostrativo.)",
                dt.date(year, 5, 2),
            ),
        ],
        start=1,
    ):
        issue = NewsletterIssue.objects.create(
            number=number,
            subject_it=f"{subject} ({DEMO})",
            subject_en=f"Demo issue {number}",
            data_status=DataStatus.ILLUSTRATIVE,
        )
        NewsletterBlock.objects.create(issue=issue, position=1, heading_it=heading, text_it=text)
        issue.content = issue_compose(issue=issue, now=_at(sent, 9))
        issue.status = NewsletterIssue.Status.SENT
        issue.sent_at = _at(sent, 9)
        issue.save()
        written += 2
    return written


def _questionnaire(process: Any, rng: random.Random, year: int) -> int:
    from territori.participation.models import (
        Answer,
        Question,
        Questionnaire,
        QuestionnaireResponse,
    )

    questionnaire = Questionnaire.objects.create(
        code="demo-priorita",
        title_it="Le vostre priorità per le Missioni (dato dimostrativo)",
        title_en="Your priorities for the Missions (demo data)",
        description_it="Questionario dimostrativo con tutti i tipi di domanda; le risposte sono inventate.",
        description_en="A demo questionnaire with every type of question; the responses are invented.",
        process=process,
        opens_at=_at(dt.date(year, 1, 1)),
        closes_at=_at(dt.date(year + 1, 12, 31), 23, 59),
        anonymous=True,
        data_status=DataStatus.ILLUSTRATIVE,
    )
    roles = ["Cittadino/a", "Ente pubblico", "Impresa", "Terzo settore", "Università o ricerca"]
    themes = ["Energia", "Mobilità", "Digitale", "Inclusione"]
    spec = [
        ("ruolo", "single", "A che titolo rispondi?", True, roles, [], True),
        (
            "coinvolto",
            "single",
            "Hai già partecipato a un laboratorio del Forum?",
            True,
            ["Sì", "No"],
            [],
            False,
        ),
        ("temi", "multiple", "Su quali temi hai lavorato?", False, themes, [], True),
        (
            "soddisfazione",
            "scale",
            "Quanto sei soddisfatto/a dei laboratori?",
            False,
            [],
            [],
            False,
        ),
        (
            "importanza",
            "matrix",
            "Quanto è importante ciascun tema per il tuo territorio?",
            False,
            ["Poco", "Abbastanza", "Molto"],
            themes,
            False,
        ),
        ("ordine", "ranking", "Metti in ordine di priorità", False, themes, [], False),
        (
            "suggerimenti",
            "long_text",
            "Suggerimenti per i prossimi laboratori",
            False,
            [],
            [],
            False,
        ),
        ("documento", "file", "Vuoi allegare un documento?", False, [], [], False),
    ]
    questions = {}
    for position, (code, kind, text, required, options, rows, other) in enumerate(spec, start=1):
        questions[code] = Question.objects.create(
            questionnaire=questionnaire,
            position=position,
            code=code,
            kind=kind,
            text_it=text,
            required=required,
            options=options,
            rows=rows,
            allow_other=other,
            scale_min_label="per nulla" if kind == "scale" else "",
            scale_max_label="moltissimo" if kind == "scale" else "",
        )
    for code in ("temi", "soddisfazione"):
        question = questions[code]
        question.show_if_question = questions["coinvolto"]
        question.show_if_values = ["Sì"]
        question.save(update_fields=["show_if_question", "show_if_values"])
    answers = []
    for n in range(1, 25):
        response = QuestionnaireResponse.objects.create(
            questionnaire=questionnaire,
            respondent_key=f"demo-{n:03d}",
            submitted_at=_at(dt.date(year, 2, 1) + dt.timedelta(days=n), 12),
            data_status=DataStatus.ILLUSTRATIVE,
        )
        role = rng.choice(roles)
        value: dict[str, object] = {"choices": [role]}
        if n % 11 == 0:
            value = {"choices": [], "other": "Scuola"}
        answers.append(Answer(response=response, question=questions["ruolo"], value=value))
        involved = rng.random() < 0.6
        answers.append(
            Answer(
                response=response,
                question=questions["coinvolto"],
                value={"choices": ["Sì" if involved else "No"]},
            )
        )
        if involved:
            answers.append(
                Answer(
                    response=response,
                    question=questions["temi"],
                    value={"choices": rng.sample(themes, rng.randint(1, 3))},
                )
            )
            answers.append(
                Answer(
                    response=response, question=questions["soddisfazione"], value=rng.randint(2, 5)
                )
            )
        answers.append(
            Answer(
                response=response,
                question=questions["importanza"],
                value={str(i): rng.choice(["Poco", "Abbastanza", "Molto"]) for i in range(1, 5)},
            )
        )
        order = rng.sample(range(1, 5), 4)
        answers.append(
            Answer(
                response=response,
                question=questions["ordine"],
                value={str(i + 1): order[i] for i in range(4)},
            )
        )
        if n % 4 == 0:
            answers.append(
                Answer(
                    response=response,
                    question=questions["suggerimenti"],
                    value="Più incontri in orario serale. (Risposta dimostrativa.)",
                )
            )
    Answer.objects.bulk_create(answers)
    return 1 + len(spec) + 24 + len(answers)
