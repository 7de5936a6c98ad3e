from django.apps import AppConfig


class ShelterConfig(AppConfig):
    name = "sanctuary.shelter"
    label = "shelter"

    def ready(self) -> None:
        from sanctuary.cases.sections import register_case_section
        from sanctuary.intake.sections import register_mailbox_section
        from sanctuary.shelter.context import case_context, seeker_context

        register_case_section(case_context)
        register_mailbox_section(seeker_context)
