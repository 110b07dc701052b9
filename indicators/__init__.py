"""Pure query functions over the warehouse: (connection, Filters) -> DataFrame. No streamlit here."""
