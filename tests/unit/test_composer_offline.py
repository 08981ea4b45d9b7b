"""The offline composer: golden drafts from the letsligo doc's own instructions, and each refinement."""
import pytest
from contacthub.composers.base import Brief
from contacthub.domain.email import MAX_BODY, EmailDraft, Turn
from contacthub.composers.offline import OfflineComposer, detect_language, read_instruction, split_parts

# The letsligo doc's examples: prepare "Rédige un email de relance après notre rencontre au salon",
# refine "Raccourcis le paragraphe 2" (its English description: "Shorten paragraph 2").
SEED_PREPARE = "Rédige un email de relance après notre rencontre au salon"
SEED_REFINE_FR = "Raccourcis le paragraphe 2"
SEED_REFINE_EN = "Shorten paragraph 2"

MARIE = Brief(contact_name="Marie Dubois", first_name="Marie", last_name="Dubois", company="Acme Corp",
              position="Directrice", meeting_context="Salon VivaTech 2025", recipient="marie@acme.example",
              tasks=("Appeler pour suivi (2025-03-20)",), sender_name="John Admin",
              sender_organisation="Acme Corporation")

GOLDEN_FR = EmailDraft(
    subject="Suite à notre rencontre – Salon VivaTech 2025",
    body=("Bonjour Marie,\n\n"
          "Je me permets de revenir vers vous après notre rencontre au salon.\n\n"
          "J'ai beaucoup apprécié d'échanger avec vous sur votre rôle de Directrice chez Acme Corp, et je serais "
          "ravi de poursuivre la discussion.\n\n"
          "Comme convenu, voici les prochaines étapes : Appeler pour suivi (2025-03-20).\n\n"
          "Seriez-vous disponible pour un court échange dans les prochains jours ? Je m'adapte volontiers à "
          "votre agenda.\n\n"
          "Bien cordialement,\nJohn Admin\nAcme Corporation"))

composer = OfflineComposer()


def _prepared():
    return composer.write(MARIE, SEED_PREPARE)


def test_seed_prepare_writes_a_french_follow_up_from_the_contact():
    # Given the doc's prepare instruction (French) and what the store knows about Marie
    result = _prepared()
    # Then the golden French follow-up, signed by the sender, with nothing left unapplied
    assert result.draft == GOLDEN_FR
    assert result.notes == ()


def test_same_input_same_draft():
    assert composer.write(MARIE, SEED_PREPARE) == composer.write(MARIE, SEED_PREPARE)


def test_seed_refine_shortens_only_paragraph_two():
    # Given the golden draft
    before = split_parts(GOLDEN_FR.body)
    # When refined with the doc's instruction
    result = composer.refine(MARIE, GOLDEN_FR, SEED_REFINE_FR, [Turn("prepare", SEED_PREPARE)])
    after = split_parts(result.draft.body)
    # Then paragraph 2 (greeting and sign-off don't count) is shorter, everything else untouched
    assert after.paragraphs[1] == "J'ai beaucoup apprécié d'échanger avec vous sur votre rôle de Directrice chez Acme Corp."
    assert [p for i, p in enumerate(after.paragraphs) if i != 1] == [p for i, p in enumerate(before.paragraphs) if i != 1]
    assert (after.greeting, after.closing, result.draft.subject) == (before.greeting, before.closing, GOLDEN_FR.subject)
    assert result.notes == ()


def test_english_instruction_writes_english_and_shortens_paragraph():
    draft = composer.write(MARIE, "Write a follow-up email after our meeting at the fair").draft
    assert draft.subject == "Following up on our meeting – Salon VivaTech 2025"
    assert draft.body.startswith("Hello Marie,\n\nI wanted to follow up after our meeting at the fair.")
    shorter = composer.refine(MARIE, draft, SEED_REFINE_EN).draft
    assert split_parts(shorter.body).paragraphs[1] == "I really enjoyed hearing about your role as Directrice at Acme Corp."


@pytest.mark.parametrize("text, language", [
    (SEED_PREPARE, "fr"), (SEED_REFINE_FR, "fr"), (SEED_REFINE_EN, "en"), ("Écris un mail court", "fr"),
    ("Write a thank-you email", "en"), ("plus formel", "fr"), ("make it friendlier", "en"),
])
def test_language_of_instructions(text, language):
    assert detect_language(text) == language


@pytest.mark.parametrize("instruction, expected", [
    ("Shorten paragraph 2", [("shorter", 2)]),
    ("Raccourcis le deuxième paragraphe", [("shorter", 2)]),
    ("make the last paragraph longer", [("longer", -1)]),
    ("plus court et plus formel", [("shorter", None), ("formal", None)]),
    ("less formal", [("friendly", None)]),
    ("Traduis en anglais", [("language", None)]),
    ("add a joke", [("unknown", None)]),
])
def test_reading_instructions(instruction, expected):
    assert [(op.kind, op.paragraph) for op in read_instruction(instruction)] == expected


def test_subject_instruction_keeps_the_given_text():
    ops = read_instruction("Change the subject to: Our meeting in Paris")
    assert [(op.kind, op.value) for op in ops] == [("subject", "Our meeting in Paris")]
    assert composer.refine(MARIE, GOLDEN_FR, "Objet : Notre rencontre").draft.subject == "Notre rencontre"


def test_whole_email_shorter_then_says_it_cannot():
    draft = GOLDEN_FR
    for _ in range(6):
        result = composer.refine(MARIE, draft, "plus court")
        if result.notes:
            break
        assert len(result.draft.body) < len(draft.body)
        draft = result.draft
    assert result.notes == ("Impossible de raccourcir davantage l'email.",)
    assert result.draft == draft  # nothing changed when it could not apply


def test_longer_adds_before_the_call_to_action_and_has_a_limit():
    result = composer.refine(MARIE, GOLDEN_FR, "plus long")
    parts = split_parts(result.draft.body)
    assert len(parts.paragraphs) == len(split_parts(GOLDEN_FR.body).paragraphs) + 1
    assert parts.paragraphs[-1].startswith("Seriez-vous disponible")
    draft = result.draft
    for _ in range(3):
        result = composer.refine(MARIE, draft, "longer")
        draft = result.draft
    assert result.notes == ("The offline composer cannot make the email any longer.",)


def test_formal_and_friendly_change_greeting_and_sign_off_keep_signature():
    formal = composer.refine(MARIE, GOLDEN_FR, "plus formel").draft
    parts = split_parts(formal.body)
    assert parts.greeting == "Bonjour Marie Dubois,"
    assert parts.closing == ("Je vous prie d'agréer, Marie Dubois, l'expression de mes salutations distinguées.\n"
                             "John Admin\nAcme Corporation")
    friendly = composer.refine(MARIE, formal, "plus chaleureux").draft
    parts = split_parts(friendly.body)
    assert parts.greeting == "Bonjour Marie !" and parts.closing.startswith("À très bientôt,\nJohn Admin")
    assert parts.paragraphs[0].startswith("J'espère que vous allez bien !")
    english = composer.write(MARIE, "write an email to thank her").draft
    assert split_parts(composer.refine(MARIE, english, "more formal").draft.body).greeting == "Dear Marie Dubois,"


def test_switch_language_rewrites_and_replays_tone():
    history = [Turn("prepare", SEED_PREPARE), Turn("refine", "plus formel")]
    formal_fr = composer.refine(MARIE, GOLDEN_FR, "plus formel").draft
    result = composer.refine(MARIE, formal_fr, "en anglais", history)
    assert result.draft.subject == "Following up on our meeting – Salon VivaTech 2025"
    assert result.draft.body.startswith("Dear Marie Dubois,\n\nI wanted to follow up on our meeting (Salon VivaTech")
    assert "Yours sincerely,\nJohn Admin" in result.draft.body
    # the note is in the instruction's language and says what was lost
    assert result.notes == (("L'email a été réécrit en anglais à partir des données du contact ; les passages que "
                            "vous aviez modifiés vous-même n'ont pas été traduits."),)
    back = composer.refine(MARIE, result.draft, "Translate to French", history)
    assert back.draft.body.startswith("Bonjour Marie Dubois,")
    assert composer.refine(MARIE, GOLDEN_FR, "en français").notes == ("L'email est déjà en français.",)


def test_what_it_cannot_do_is_said_plainly():
    result = composer.refine(MARIE, GOLDEN_FR, "Shorten paragraph 9 and add a joke about golf")
    assert result.draft == GOLDEN_FR
    assert result.notes == ("There is no paragraph 9: the email has 4.",
                            ('Instruction not applied (the offline composer cannot handle it): "add a joke about '
                            'golf". Please edit the draft yourself.'))
    written = composer.write(Brief("Bob Smith", "Bob"), "Write an email proposing a 20% discount on the premium plan")
    assert written.draft.subject == "Our proposal"
    assert written.notes == (("The offline composer writes from templates: it did not use these words of your "
                             "instruction: discount, premium, plan. Edit the draft to add them."),)


def test_user_edits_are_refined_not_replaced():
    edited = EmailDraft("Mon objet", "Bonjour Marie,\n\nPremière phrase. Deuxième phrase.\n\nÀ bientôt,\nJo")
    result = composer.refine(MARIE, edited, "raccourcis le paragraphe 1")
    assert result.draft == EmailDraft("Mon objet", "Bonjour Marie,\n\nPremière phrase.\n\nÀ bientôt,\nJo")


def test_minimal_contact_and_bounds():
    result = composer.write(Brief("jo@example.com"), "x" * 2000)
    assert result.draft.subject and len(result.draft.body) <= MAX_BODY
    assert "\n" not in result.draft.subject and "\r" not in result.draft.subject
